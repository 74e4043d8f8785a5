/**
 * Checksum check of the shipped encoders (model.json `files` → sha256). Run once at start by
 * the Electron main process and by `app.doctor`: a half-copied or tampered model is reported
 * by name instead of producing wrong features.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readCard, verifyFiles } from '../model/card.ts';

export interface ModelCheck {
  name: string;
  dir: string;
  ok: boolean;
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
    if (!existsSync(path.join(dir, 'model.json'))) continue;
    try {
      const card = readCard(dir);
      await verifyFiles(dir, card);
      out.push({ name, dir, ok: true, detail: `${Object.keys(card.files).length} files match model.json` });
    } catch (e) {
      out.push({ name, dir, ok: false, detail: (e as Error).message });
    }
  }
  return out;
}
