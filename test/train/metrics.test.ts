/** Metrics against values computed by hand. */
import { describe, expect, it } from 'vitest';
import { atThreshold, auc, aucCI, ece, youdenThreshold } from '../../src/core/stats/metrics.ts';
import { dice, hd95, iou, maskMetrics } from '../../src/core/train/seg-metrics.ts';

describe('classification metrics', () => {
  it('AUC: 3 positives, 3 negatives with one tie and one inversion', () => {
    // pairs (pos > neg): pos 0.9 beats 3; pos 0.6 beats 0.2, 0.5 and ties 0.6 (½); pos 0.3 beats 0.2
    // → (3 + 2.5 + 1) / 9
    const s = [0.9, 0.6, 0.3, 0.6, 0.5, 0.2];
    const y = [true, true, true, false, false, false];
    expect(auc(s, y)).toBeCloseTo(6.5 / 9, 12);
    expect(auc([1, 2], [false, true])).toBe(1);
    expect(auc([1, 2], [true, true])).toBeNaN();
  });

  it('bootstrap CI brackets the AUC, is reproducible and narrows with more data', () => {
    const s = Array.from({ length: 40 }, (_, i) => (i % 2 ? 0.3 : 0.6) + ((i * 7) % 11) / 30);
    const y = s.map((_, i) => i % 2 === 0);
    const a = auc(s, y);
    const [lo, hi] = aucCI(s, y, 500, 1);
    expect(lo).toBeLessThanOrEqual(a);
    expect(hi).toBeGreaterThanOrEqual(a);
    expect(aucCI(s, y, 500, 1)).toEqual([lo, hi]);
    const big = [...s, ...s, ...s, ...s];
    const by = [...y, ...y, ...y, ...y];
    const [lo4, hi4] = aucCI(big, by, 500, 1);
    expect(hi4 - lo4).toBeLessThan(hi - lo);
  });

  it('sensitivity, specificity, F1, accuracy at a threshold', () => {
    const s = [0.9, 0.8, 0.4, 0.7, 0.2, 0.1];
    const y = [true, true, true, false, false, false];
    const m = atThreshold(s, y, 0.5);
    expect(m).toMatchObject({ tp: 2, fn: 1, fp: 1, tn: 2 });
    expect(m.sensitivity).toBeCloseTo(2 / 3);
    expect(m.specificity).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo(4 / 6);
    expect(m.accuracy).toBeCloseTo(4 / 6);
    // separable: the cut sits midway between 0.2 and 0.8, not on a sample
    expect(youdenThreshold([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBeCloseTo(0.5);
    // 0.3 (neg) above 0.25 (pos): J = 0.5 at cuts 0.175 and 0.6 → the lower of the two (median)
    expect(youdenThreshold([0.1, 0.25, 0.3, 0.9], [false, true, false, true])).toBeCloseTo(0.175);
  });

  it('ECE: two bins by hand', () => {
    // conf 0.95 ×2 (both right) → |1 − 0.95| ; conf 0.65 ×2 (one right) → |0.5 − 0.65|
    const probs = [
      [0.95, 0.05],
      [0.05, 0.95],
      [0.65, 0.35],
      [0.35, 0.65],
    ];
    expect(ece(probs, [0, 1, 0, 0], 10)).toBeCloseTo(0.5 * 0.05 + 0.5 * 0.15, 12);
  });
});

describe('mask metrics', () => {
  const w = 10;
  const h = 10;
  const rect = (x0: number, y0: number, x1: number, y1: number) => {
    const m = new Uint8Array(w * h);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 255;
    return m;
  };
  it('Dice and IoU of overlapping squares', () => {
    const a = rect(0, 0, 4, 4); // 16
    const b = rect(2, 0, 6, 4); // 16, overlap 8
    expect(dice(a, b)).toBeCloseTo(16 / 32);
    expect(iou(a, b)).toBeCloseTo(8 / 24);
    expect(dice(new Uint8Array(4), new Uint8Array(4))).toBe(1);
  });
  it('HD95 of a square shifted by 3 pixels is 3; identical masks give 0', () => {
    const a = rect(2, 2, 6, 6);
    const b = rect(5, 2, 9, 6);
    expect(hd95(a, b, w, h)).toBeCloseTo(3, 9);
    expect(maskMetrics(a, a, w, h)).toEqual({ dice: 1, iou: 1, hd95: 0 });
    expect(hd95(a, new Uint8Array(w * h), w, h)).toBeNaN();
  });
});

describe('bootstrap CI agrees with resampling by hand', () => {
  it('the sweep-based resample equals a direct AUC of the same resample', () => {
    // With one positive and one negative per class group, every resample is the full set.
    expect(aucCI([0.2, 0.7], [false, true], 50, 3)).toEqual([1, 1]);
    // All ties: AUC is ½ in every resample.
    expect(aucCI([0.5, 0.5, 0.5, 0.5], [false, true, false, true], 50, 3)).toEqual([0.5, 0.5]);
  });
});

describe('temperature scaling', () => {
  it('softens overconfident logits, leaves calibrated ones near 1, and does not collapse on tiny separable sets', async () => {
    const { fitTemperature } = await import('../../src/core/train/calibrate.ts');
    // 400 samples, logit margin ±4 but only 75 % correct: the calibrated T is well above 1.
    const logits: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      logits.push(4, -4);
      y.push(i % 4 === 0 ? 1 : 0);
    }
    expect(fitTemperature(logits, y, 2)).toBeGreaterThan(2);
    // margin ln 3 with 75 % correct is already calibrated: T ≈ 1
    const cal = logits.map((v) => (v > 0 ? Math.log(3) / 2 : -Math.log(3) / 2));
    expect(fitTemperature(cal, y, 2)).toBeCloseTo(1, 1);
    // 4 perfectly separated samples: T stays reasonable instead of hitting 0.05
    expect(fitTemperature([2, -2, -2, 2, 2, -2, -2, 2], [0, 1, 0, 1], 2)).toBeGreaterThan(0.3);
  });
});
