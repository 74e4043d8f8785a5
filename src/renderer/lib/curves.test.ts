import { describe, expect, it } from 'vitest';
import { type CurvePoint, upsertEpoch } from './curves.ts';

const pt = (epoch: number, loss: number): CurvePoint => ({ epoch, metrics: { trainLoss: loss } });

describe('upsertEpoch', () => {
  it('keeps one point per epoch in epoch order when the end-of-run replay repeats the live epochs', () => {
    let c: CurvePoint[] = [];
    for (const p of [pt(1, 0.9), pt(2, 0.7), pt(3, 0.6)]) c = upsertEpoch(c, p);
    for (const p of [pt(1, 0.9), pt(2, 0.7), pt(3, 0.55)]) c = upsertEpoch(c, p);
    expect(c.map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(c[2].metrics.trainLoss).toBe(0.55);
  });

  it('orders out-of-order reports by epoch', () => {
    const c = upsertEpoch(upsertEpoch([], pt(2, 0.5)), pt(1, 0.8));
    expect(c.map((p) => p.epoch)).toEqual([1, 2]);
  });
});
