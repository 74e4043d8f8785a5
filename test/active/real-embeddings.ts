import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSimDataset, type SimImage, simFeatures } from '../../bench/al-sim/sim-data.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DATA = path.resolve(ROOT, '../shared/data/cxr');
export const MICRO = path.join(ROOT, 'test/fixtures/models/vit-micro');

/**
 * Real embeddings for strategy tests: `perClass` normal + pneumonia images from NIH and from
 * Kermany (two sources), encoded by the committed micro encoder.
 */
export async function realEmbeddings(
  perClass = 25,
): Promise<{ images: SimImage[]; dim: number; x: Float32Array }> {
  const pick = (name: 'nih' | 'kermany') => {
    const all = loadSimDataset(DATA, name);
    return ['normal', 'pneumonia'].flatMap((c) => all.filter((i) => i.label === c).slice(0, perClass));
  };
  const images = [...pick('nih'), ...pick('kermany')];
  const cache = mkdtempSync(path.join(os.tmpdir(), 'spcxr-al-'));
  const f = await simFeatures(images, 'nih', MICRO, cache, false);
  return { images, dim: f.dim, x: f.pooled };
}
