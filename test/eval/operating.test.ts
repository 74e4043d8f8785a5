import { describe, expect, it } from 'vitest';
import { operatingPoint, targetFrom, tradeoff } from '../../src/core/eval/operating.ts';
import { applyRecalibration, recalibrate } from '../../src/core/eval/recalibrate.ts';

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
