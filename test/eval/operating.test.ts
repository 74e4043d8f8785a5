import { describe, expect, it } from 'vitest';
import { conservativePoint, operatingPoint, targetFrom, tradeoff } from '../../src/core/eval/operating.ts';
import { applyRecalibration, recalibrate } from '../../src/core/eval/recalibrate.ts';
import { clopperPearsonLower, minimumForBound } from '../../src/core/eval/stats.ts';

const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];
const pos = [false, false, true, false, false, true, true, false, true, true];

describe('operating points', () => {
  it('target sensitivity takes the highest threshold that still reaches it', () => {
    const op = operatingPoint(scores, pos, { sensitivity: 0.8 });
    expect(op.reached).toBe(true);
    expect(op.sensitivity).toBe(0.8);
    expect(op.threshold).toBeCloseTo(0.55, 10);
    expect(op.specificity).toBeCloseTo(0.8, 10);
  });
  it('target specificity takes the lowest threshold that reaches it', () => {
    const op = operatingPoint(scores, pos, { specificity: 1 });
    expect(op.specificity).toBe(1);
    expect(op.threshold).toBeCloseTo(0.85, 10);
    expect(op.sensitivity).toBeCloseTo(0.4, 10);
  });
  it('the trade-off runs from everything positive to nothing positive', () => {
    const t = tradeoff(scores, pos);
    expect(t[0].sensitivity).toBe(1);
    expect(t[0].specificity).toBe(0);
    expect(t.at(-1)!.sensitivity).toBe(0);
    expect(t.at(-1)!.specificity).toBe(1);
  });
  it('refuses two targets or a target outside (0, 1)', () => {
    expect(() => targetFrom({ targetSensitivity: 0.9, targetSpecificity: 0.9 })).toThrow(/not both/);
    expect(() => targetFrom({ targetSensitivity: 1.5 })).toThrow(/between 0 and 1/);
  });
});

describe('site recalibration', () => {
  it('moves the intercept towards a shifted site and keeps the ranking', () => {
    // The site's positives get scores ~0.9 and its negatives ~0.6: the model calls everything positive.
    const p = [0.55, 0.6, 0.62, 0.65, 0.58, 0.85, 0.9, 0.92, 0.88, 0.95];
    const y = [false, false, false, false, false, true, true, true, true, true];
    const r = recalibrate(p, y, { specificity: 0.8 }, { positive: 'pneumonia', negative: 'normal' });
    expect(r.a).toBeGreaterThan(1);
    expect(r.b).toBeLessThan(0);
    const q = p.map((v) => applyRecalibration(r, v));
    expect(q.slice(0, 5).every((v) => v < 0.5)).toBe(true);
    const order = (a: number[]) => a.map((_, i) => i).sort((i, j) => a[i] - a[j]);
    expect(order(q)).toEqual(order(p));
    expect(r.nPerClass).toEqual({ pneumonia: 5, normal: 5 });
  });
});

describe('conservative operating points', () => {
  it('Clopper–Pearson lower bounds match reference values', () => {
    // Reference: scipy.stats.beta.ppf(0.05, k, n − k + 1).
    expect(clopperPearsonLower(20, 20, 0.95)).toBeCloseTo(0.8609, 4);
    expect(clopperPearsonLower(19, 20, 0.95)).toBeCloseTo(0.7839, 4);
    expect(clopperPearsonLower(40, 50, 0.95)).toBeCloseTo(0.6844, 4);
    expect(clopperPearsonLower(0, 10, 0.95)).toBe(0);
    expect(minimumForBound(0.8, 0.95)).toBe(14);
  });
  it('leaves a margin: the bound, not the rate, reaches the target', () => {
    // 40 negatives spread over [0, 0.4), 40 positives over [0.3, 0.7): overlapping scores.
    const s = [
      ...Array.from({ length: 40 }, (_, i) => i / 100),
      ...Array.from({ length: 40 }, (_, i) => 0.3 + i / 100),
    ];
    const y = s.map((_, i) => i >= 40);
    const exact = operatingPoint(s, y, { specificity: 0.8 });
    const safe = conservativePoint(s, y, { specificity: 0.8 }, 0.95);
    expect(safe.reached).toBe(true);
    expect(safe.bound).toBeGreaterThanOrEqual(0.8);
    expect(safe.specificity).toBeGreaterThan(exact.specificity);
    expect(safe.threshold).toBeGreaterThan(exact.threshold);
    expect(safe.sensitivity).toBeLessThanOrEqual(exact.sensitivity);
    expect(safe.nTargetClass).toBe(40);
  });
  it('says when too few images of the class can support the target', () => {
    const r = recalibrate(
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95],
      [false, false, false, false, false, true, true, true, true, true],
      { specificity: 0.8 },
      { positive: 'pneumonia', negative: 'normal' },
      { confidence: 0.95 },
    );
    expect(r.operating!.reached).toBe(false);
    expect(r.operating!.nNeeded).toBe(14);
    expect(r.operating!.bound).toBeCloseTo(0.05 ** (1 / 5), 6);
  });
  it('holds the target on new samples far more often than the exact pick (simulated site)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const normal = () => {
      const u = Math.max(rand(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    };
    const draw = (n: number) => {
      const y = Array.from({ length: n }, (_, i) => i % 2 === 1);
      return { s: y.map((p) => 1 / (1 + Math.exp(-(normal() + (p ? 1.5 : 0))))), y };
    };
    const test = draw(20000);
    let exactOk = 0;
    let safeOk = 0;
    for (let r = 0; r < 40; r++) {
      const d = draw(120);
      const spec = (t: number) => {
        let tn = 0;
        let n = 0;
        test.s.forEach((v, i) => {
          if (!test.y[i]) {
            n++;
            if (v < t) tn++;
          }
        });
        return tn / n;
      };
      if (spec(operatingPoint(d.s, d.y, { specificity: 0.8 }).threshold) >= 0.8) exactOk++;
      if (spec(conservativePoint(d.s, d.y, { specificity: 0.8 }, 0.95).threshold) >= 0.8) safeOk++;
    }
    expect(safeOk).toBeGreaterThanOrEqual(36);
    expect(exactOk).toBeLessThan(safeOk);
  });
});
