/**
 * Checksum check of the shipped encoders (model.json `files` → sha256). Run once at start by
 * the Electron main process and `spcxr serve`, and by the doctor: a half-copied or tampered model
 * is reported by name instead of producing wrong features.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readCard, verifyFiles } from '../model/card.ts';

export interface ModelCheck {
  name: string;
  dir: string;
  ok: boolean;
  /** Files verified (0 when the check failed). */
  files: number;
  detail: string;
}

const cache = new Map<string, Promise<ModelCheck[]>>();

export function checkShippedModels(modelsDir: string): Promise<ModelCheck[]> {
  let p = cache.get(modelsDir);
  if (!p) {
    p = run(modelsDir);
    cache.set(modelsDir, p);
  }
  return p;
}

async function run(modelsDir: string): Promise<ModelCheck[]> {
  if (!existsSync(modelsDir)) return [];
  const out: ModelCheck[] = [];
  for (const name of readdirSync(modelsDir).sort()) {
    const dir = path.join(modelsDir, name);
    if (!statSync(dir).isDirectory() || !existsSync(path.join(dir, 'model.json'))) continue;
    try {
      const card = readCard(dir);
      await verifyFiles(dir, card);
      const files = Object.keys(card.files).length;
      out.push({ name, dir, ok: true, files, detail: `${files} files match model.json` });
    } catch (e) {
      out.push({ name, dir, ok: false, files: 0, detail: (e as Error).message });
    }
  }
  return out;
}
