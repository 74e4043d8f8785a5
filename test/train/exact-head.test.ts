import { describe, expect, it } from 'vitest';
import { Estimate } from '../../src/core/eval/estimate-contract.ts';
import { groupedFolds } from '../../src/core/stats/folds.ts';
import { crossValidate } from '../../src/core/train/cv-linear.ts';
import { aucInterval, buildEstimate } from '../../src/core/train/estimate.ts';
import { design, fitExact, linearLogits, solver } from '../../src/core/train/exact-linear.ts';
import { mulberry32 } from '../../src/core/util/rng.ts';

/** n points in d dims; class 1 shifted by `gap` along the first `k` axes; standardised-ish. */
function blobs(n: number, d: number, gap: number, seed: number) {
  const r = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const z = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3 === 0 ? 1 : 0;
    for (let j = 0; j < d; j++) z[i * d + j] = gauss() + (y[i] && j < 3 ? gap : 0);
  }
  return { z, y };
}

/** Penalised loss Σ logloss + ½λ‖w‖² of a binary model on rows. */
function objective(
  z: Float32Array,
  d: number,
  y: Int32Array,
  rows: number[],
  w: Float64Array,
  b: number,
  lambda: number,
) {
  let f = 0;
  for (const r of rows) {
    let s = b;
    for (let j = 0; j < d; j++) s += z[r * d + j] * w[j];
    f += Math.log1p(Math.exp(y[r] ? -s : s));
  }
  for (let j = 0; j < d; j++) f += 0.5 * lambda * w[j] * w[j];
  return f;
}

describe('exact linear head', () => {
  it('fits the same optimum in the rows’ span (n < d) as in the primal (n > d)', () => {
    const d = 40;
    const { z, y } = blobs(60, d, 1, 1);
    const x = design(z, 60, d);
    const small = Array.from({ length: 30 }, (_, i) => i);
    const big = Array.from({ length: 60 }, (_, i) => i);
    for (const rows of [small, big]) {
      const m = fitExact(x, rows, y, 2, 3, solver(x, rows, false));
      const w = Float64Array.from({ length: d }, (_, j) => m.weight[j * 2 + 1]);
      const f0 = objective(z, d, y, rows, w, m.bias[1], 3);
      // Any small perturbation of the optimum raises the objective.
      for (const k of [0, 5, 39]) {
        const w2 = w.slice();
        w2[k] += 1e-3;
        expect(objective(z, d, y, rows, w2, m.bias[1], 3)).toBeGreaterThan(f0 - 1e-9);
        w2[k] -= 2e-3;
        expect(objective(z, d, y, rows, w2, m.bias[1], 3)).toBeGreaterThan(f0 - 1e-9);
      }
      expect(objective(z, d, y, rows, w, m.bias[1] + 1e-3, 3)).toBeGreaterThan(f0 - 1e-9);
      // Two classes: logits [0, s].
      expect(m.weight[0]).toBe(0);
    }
  });

  it('balances the classes by default: the bias no longer follows the class mix', () => {
    const { z, y } = blobs(60, 10, 0, 4); // no signal: only the bias can fit, to the class mix
    const x = design(z, 60, 10);
    const rows = [...Array(60).keys()];
    const plain = fitExact(x, rows, y, 2, 1000, solver(x, rows, false));
    const balanced = fitExact(x, rows, y, 2, 1000);
    expect(plain.bias[1]).toBeLessThan(-0.5); // logit(1/3)
    expect(Math.abs(balanced.bias[1])).toBeLessThan(0.1);
  });

  it('keeps every patient in one fold and spreads each class', () => {
    const items = Array.from({ length: 40 }, (_, i) => ({
      id: i,
      group: `p${Math.floor(i / 2)}`,
      label: Math.floor(i / 2) % 2 === 0 ? 1 : 0,
    }));
    const f = groupedFolds(items, 4, 3);
    for (let i = 0; i < 40; i += 2) expect(f[i]).toBe(f[i + 1]);
    for (let k = 0; k < 4; k++) {
      const pos = items.filter((it, i) => f[i] === k && it.label === 1).length;
      expect(pos).toBeGreaterThanOrEqual(4);
      expect(pos).toBeLessThanOrEqual(6);
    }
  });

  it('chooses a penalty by out-of-fold AUC and scores every image once per repeat', async () => {
    const { z, y } = blobs(60, 100, 0.8, 2);
    const x = design(z, 60, 100);
    const items = Array.from(y, (label, i) => ({ id: i, group: `p${i}`, label }));
    const cv = await crossValidate(x, items, 2, { folds: 5, repeats: 2, seed: 0 });
    expect(cv.oof).toHaveLength(2);
    expect(cv.aucs[0]).toBeGreaterThan(0.7);
    expect(cv.scores.length).toBeGreaterThan(3);
    const best = Math.max(...cv.scores);
    expect(cv.scores[[1000, 300, 100, 30, 10, 3, 1, 0.3, 0.1].indexOf(cv.lambda)]).toBe(best);
    const lg = linearLogits(x, [0, 1], fitExact(x, [...Array(60).keys()], y, 2, cv.lambda));
    expect(lg).toHaveLength(4);
  });
});

describe('estimate interval', () => {
  it('is never zero-width, even for a perfect AUC on 10 images', () => {
    const [lo, hi] = aucInterval([1], 5, 5);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi - lo).toBeGreaterThan(0.3);
  });

  it('narrows with more patients and widens with disagreeing repeats', () => {
    const w = (ci: [number, number]) => ci[1] - ci[0];
    expect(w(aucInterval([0.9], 200, 200))).toBeLessThan(w(aucInterval([0.9], 20, 20)));
    expect(w(aucInterval([0.8, 0.95], 200, 200))).toBeGreaterThan(w(aucInterval([0.875, 0.875], 200, 200)));
  });

  it('says plainly when n is too small, and matches its schema', () => {
    const input = {
      method: 'grouped-cv' as const,
      folds: 5,
      repeats: 5,
      aucs: [0.9, 0.92],
      classes: ['normal', 'pneumonia'],
      images: [8, 30],
      patients: [8, 28],
      positive: 1,
    };
    const e = buildEstimate(input);
    expect(Estimate.parse(e)).toEqual(e);
    expect(e.tooSmall).toBe(true);
    expect(e.note).toMatch(/8 normal/);
    expect(e.nPerClass).toEqual({ normal: 8, pneumonia: 30 });
    const none = buildEstimate({ ...input, method: 'none', aucs: [] });
    expect(none.auc).toBeNull();
    expect(none.tooSmall).toBe(true);
  });
});
