import { describe, expect, it } from 'vitest';
import { calibrateOod, oodReference, oodScores, oodSummary } from '../../src/core/eval/ood.ts';
import { mulberry32 } from '../../src/core/util/rng.ts';

function gauss(n: number, dim: number, shift: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from(
    { length: n * dim },
    () => shift + Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r()),
  );
}

describe('k-NN out-of-distribution flag', () => {
  const dim = 16;
  const train = gauss(300, dim, 0, 1);
  const ref = oodReference(train, dim);
  const cal = calibrateOod(
    ref,
    Array.from({ length: 300 }, (_, i) => `p${i}`),
  );
  it('flags about 5 % of new in-distribution data and does not call it shifted', () => {
    const s = oodSummary(cal, oodScores(ref, gauss(400, dim, 0, 2), cal.k));
    expect(s.share).toBeLessThan(0.1);
    expect(s.shifted).toBe(false);
  });
  it('flags most of a shifted set and calls it shifted', () => {
    const s = oodSummary(cal, oodScores(ref, gauss(100, dim, 1.5, 3), cal.k));
    expect(s.share).toBeGreaterThan(0.8);
    expect(s.shifted).toBe(true);
  });
});
