import { Encoder } from '../model/encoder.ts';
import { projectInputLoader } from '../model/project-input.ts';
import { resolveEncoderDir } from '../model/resolve.ts';

export { projectInputLoader };

import type { ProjectStore } from '../store/types.ts';
import { initTf } from './backend.ts';
import { type EngineOptions, TrainingBusyError } from './types.ts';

const encoders = new Map<string, Promise<Encoder>>();
/** The encoder that loaded last in this process: what the app reports as in use. */
let lastLoaded: Encoder | null = null;

export function lastLoadedEncoder(): Encoder | null {
  return lastLoaded;
}

/** The encoder for a project (cached per folder and provider for the process lifetime). */
export async function getEncoder(project: ProjectStore, o: EngineOptions = {}): Promise<Encoder> {
  const dir = resolveEncoderDir(o.encoderDir, project.getSetting<string>('encoderDir'));
  const key = `${dir}|${o.provider ?? ''}`;
  let p = encoders.get(key);
  if (!p) {
    p = Encoder.load(dir, { provider: o.provider });
    encoders.set(key, p);
    p.then((e) => (lastLoaded = e)).catch(() => {});
    p.catch(() => encoders.delete(key));
  }
  return p;
}

export async function releaseEncoders(): Promise<void> {
  const all = [...encoders.values()];
  encoders.clear();
  lastLoaded = null;
  for (const p of all) await (await p.catch(() => null))?.dispose();
}

const busy = new Set<string>();

/** Runs `fn` unless a training run is already active on this project (re-entrancy guard). */
export async function exclusive<T>(project: ProjectStore, fn: () => Promise<T>): Promise<T> {
  if (busy.has(project.dir)) throw new TrainingBusyError(project.dir);
  busy.add(project.dir);
  try {
    await initTf();
    return await fn();
  } finally {
    busy.delete(project.dir);
  }
}
