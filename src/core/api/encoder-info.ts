/**
 * What the Project screen says about the encoder. Until a job has loaded it, the encoder the
 * worker will use is named as available (its card's name), not "none loaded"; once an engine job
 * ran, the recorded one with its execution provider.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { state } from '../app/state.ts';
import { readCard } from '../model/card.ts';
import { resolveEncoderDir } from '../model/resolve.ts';
import type { ProjectStore } from '../store/types.ts';
import type { EncoderInfo } from './schemas/project.ts';

const names = new Map<string, string | null>();

function cardName(dir: string): string | null {
  if (!names.has(dir)) {
    try {
      names.set(dir, readCard(dir).name ?? path.basename(dir));
    } catch {
      names.set(dir, null);
    }
  }
  return names.get(dir) ?? null;
}

/** The same order the worker resolves in: SPCXR_ENCODER, the shipped models, the project's setting. */
function availableDir(store: ProjectStore, modelsDir?: string): string | null {
  if (process.env.SPCXR_ENCODER) return process.env.SPCXR_ENCODER;
  if (modelsDir && existsSync(modelsDir))
    for (const d of readdirSync(modelsDir).sort())
      if (existsSync(path.join(modelsDir, d, 'model.json'))) return path.join(modelsDir, d);
  try {
    return resolveEncoderDir(undefined, store.getSetting<string>('encoderDir'));
  } catch {
    return null;
  }
}

export function encoderInfo(store: ProjectStore, modelsDir?: string): EncoderInfo | null {
  const used = state.encoder.get(store);
  if (used) return { ...used, loaded: true };
  const dir = availableDir(store, modelsDir);
  const name = dir ? cardName(dir) : null;
  return name ? { name, loaded: false, checksumOk: null, executionProvider: null } : null;
}
