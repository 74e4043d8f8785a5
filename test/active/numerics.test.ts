import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/core/active/coldstart.ts';
import { maskStats } from '../../src/core/active/uncertainty.ts';
import { rng } from '../../src/core/active/vectors.ts';
import { cholSolve, fitLogReg, predictLogReg, standardizer } from '../../src/core/stats/logreg.ts';
import { auc } from '../../src/core/stats/metrics.ts';

/** A disc of radius r in a w×w map with a border that blurs over `soft` pixels. */
function disc(w: number, r: number, soft: number): Float32Array {
  const p = new Float32Array(w * w);
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - w / 2 + 0.5, y - w / 2 + 0.5) - r;
      p[y * w + x] = soft === 0 ? (d <= 0 ? 1 : 0) : 1 / (1 + Math.exp(d / soft));
    }
  return p;
}

describe('mask uncertainty', () => {
  it('is zero for a crisp mask and grows with a blurry border', () => {
    const crisp = maskStats(disc(64, 20, 0), 64, 64);
    const blurry = maskStats(disc(64, 20, 3), 64, 64);
    expect(crisp.meanEntropy).toBe(0);
    expect(crisp.boundaryEntropy).toBe(0);
    expect(crisp.confidence).toBe(1);
    expect(crisp.area).toBeCloseTo((Math.PI * 400) / 4096, 1);
    expect(blurry.boundaryEntropy).toBeGreaterThan(0.9);
    expect(blurry.unsureBorder).toBe(1);
    expect(blurry.meanEntropy).toBeGreaterThan(0.05);
    expect(blurry.confidence).toBeLessThan(0.95);
    expect(() => maskStats(new Float32Array(10), 4, 4)).toThrow(/expected 4×4/);
  });
});

describe('exact heads', () => {
  it('Cholesky solves a known system', () => {
    const a = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const x = cholSolve(a, Float64Array.from([2, 3, 4]), 3);
    const A = [4, 2, 0, 2, 5, 1, 0, 1, 3];
    for (let i = 0; i < 3; i++)
      expect(A[i * 3] * x[0] + A[i * 3 + 1] * x[1] + A[i * 3 + 2] * x[2]).toBeCloseTo([2, 3, 4][i], 10);
  });

  it('logistic regression reaches a zero penalised gradient and separates the classes', () => {
    const r = rng(3);
    const dim = 5;
    const n = 200;
    const x = new Float32Array(n * dim);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      y.push(c);
      for (let j = 0; j < dim; j++) x[i * dim + j] = r() * 2 - 1 + (j === 0 ? c * 1.5 : 0);
    }
    const rows = y.map((_, i) => i);
    const std = standardizer(x, dim);
    const m = fitLogReg(x, dim, rows, y, std, 2);
    const p = predictLogReg(m, x);
    const g = new Float64Array(dim + 1);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) g[j] += (p[i] - y[i]) * (x[i * dim + j] - std.mean[j]) * std.inv[j];
      g[dim] += p[i] - y[i];
    }
    for (let j = 0; j < dim; j++) g[j] += 2 * m.w[j];
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-4);
    expect(auc(p, y)).toBeGreaterThan(0.8);
  });

  it('a warm start far from the optimum still converges to it (damped Newton)', () => {
    const r = rng(9);
    const dim = 40;
    const n = 60;
    const x = new Float32Array(n * dim).map(() => r() * 2 - 1);
    const y = Array.from({ length: n }, (_, i) => (x[i * dim] + x[i * dim + 1] > 0 ? 1 : 0));
    const rows = y.map((_, i) => i);
    const std = standardizer(x, dim);
    const cold = fitLogReg(x, dim, rows, y, std, 0.5);
    const far = Float64Array.from(cold.w, (_, j) => (j % 2 ? 40 : -40));
    const warm = fitLogReg(x, dim, rows, y, std, 0.5, far);
    for (let j = 0; j <= dim; j++) expect(warm.w[j]).toBeCloseTo(cold.w[j], 3);
    expect(warm.w.every(Number.isFinite)).toBe(true);
  });

  it('AUC counts ties as one half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBeCloseTo(0.5);
    expect(Number.isNaN(auc([0.1, 0.2], [1, 1]))).toBe(true);
  });
});

describe('source quotas', () => {
  it('gives every source a slot while slots last, the rest by size', () => {
    const q = allocate(
      [
        { key: 'a', size: 900 },
        { key: 'b', size: 90 },
        { key: 'c', size: 10 },
      ],
      10,
    );
    expect([q.get('a'), q.get('b'), q.get('c')]).toEqual([8, 1, 1]);
    const few = allocate(
      [
        { key: 'a', size: 900 },
        { key: 'b', size: 90 },
        { key: 'c', size: 10 },
      ],
      2,
    );
    expect([few.get('a'), few.get('b'), few.get('c')]).toEqual([1, 1, 0]);
    const small = allocate(
      [
        { key: 'a', size: 3 },
        { key: 'b', size: 1 },
      ],
      10,
    );
    expect([small.get('a'), small.get('b')]).toEqual([3, 1]);
  });
});
