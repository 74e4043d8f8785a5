import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSimDataset, type SimImage, simFeatures } from '../../bench/al-sim/sim-data.ts';
import type { ClassProbs, Pool } from '../../src/core/active/types.ts';
import { fitLogReg, predictLogReg, standardizer } from '../../src/core/stats/logreg.ts';

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

/**
 * The strategy tests' fixture: the real embeddings as a pool, 16 labelled images (4 per class and
 * source), and a real logistic regression's uneven probabilities on every image.
 */
export async function realPoolWithClassifier(): Promise<{
  pool: Pool;
  probs: ClassProbs;
  labelled: Set<number>;
}> {
  const r = await realEmbeddings(25);
  const pool: Pool = {
    ids: r.images.map((_, i) => `img${i}`),
    dim: r.dim,
    embeddings: r.x,
    sources: r.images.map((i) => i.source),
  };
  const labelled = new Set([0, 1, 2, 3, 25, 26, 27, 28, 50, 51, 52, 53, 75, 76, 77, 78]);
  const rows = [...labelled];
  const y = rows.map((i) => (r.images[i].label === 'pneumonia' ? 1 : 0));
  const p1 = predictLogReg(fitLogReg(r.x, r.dim, rows, y, standardizer(r.x, r.dim), 10), r.x);
  const p = new Float32Array(p1.length * 2);
  p1.forEach((v, i) => {
    p[2 * i] = 1 - v;
    p[2 * i + 1] = v;
  });
  return { pool, probs: { classes: ['normal', 'pneumonia'], probs: p }, labelled };
}
