/** Encoder views of the segmenter's dense grid: ids, shifts, seeded augmentation, interleaving. */
import { describe, expect, it } from 'vitest';
import {
  augInput,
  augMask,
  denseGrid,
  denseViews,
  viewId,
  viewInput,
  viewSpec,
} from '../../src/core/model/views.ts';

const S = 32;
const ramp = Float32Array.from({ length: S * S }, (_, k) => k);

describe('views', () => {
  it('ids round-trip and keep 0 / 1 as the plain and flipped views', () => {
    expect(viewSpec(0)).toEqual({ aug: 0, flip: false, shift: null });
    expect(viewSpec(1)).toEqual({ aug: 0, flip: true, shift: null });
    const seen = new Set<number>();
    for (let aug = 0; aug < 4; aug++)
      for (const flip of [false, true])
        for (let shift = 0; shift < 4; shift++) {
          const v = viewId(aug, flip, shift);
          expect(v).toBeGreaterThanOrEqual(2);
          expect(viewSpec(v)).toEqual({ aug, flip, shift });
          seen.add(v);
        }
    expect(seen.size).toBe(32);
    expect(denseViews(1, true)).toEqual([0, 1, 2, 3].map((s) => viewId(1, true, s)));
  });

  it('shifts move content by a quarter patch and fill with the black level', () => {
    // patch 16 → shift 4; shift 0 = (−4, −4): out[y][x] = in[y−4][x−4]
    const a = viewInput(ramp, viewId(0, false, 0), S, 16, 1, -2);
    expect(a[10 * S + 10]).toBe(ramp[6 * S + 6]);
    expect(a[2 * S + 10]).toBe(-2);
    const b = viewInput(ramp, viewId(0, false, 3), S, 16, 1, -2); // (+4, +4)
    expect(b[10 * S + 10]).toBe(ramp[14 * S + 14]);
    expect(b[30 * S + 10]).toBe(-2);
  });

  it('augmentation is seeded per image and view, and the mask warps with the image', () => {
    const mask = new Uint8Array(S * S);
    for (let y = 8; y < 24; y++) for (let x = 6; x < 14; x++) mask[y * S + x] = 1;
    const img = Float32Array.from(mask);
    const w1 = augInput(img, S, 5, 2, true, 0);
    expect(augInput(img, S, 5, 2, true, 0)).toEqual(w1);
    expect(augInput(img, S, 5, 3, true, 0)).not.toEqual(w1);
    expect(augInput(img, S, 6, 2, true, 0)).not.toEqual(w1);
    const m = augMask(mask, S, 5, 2, true);
    let agree = 0;
    for (let k = 0; k < m.length; k++) agree += Number((w1[k] >= 0.5 ? 1 : 0) === m[k]);
    expect(agree).toBe(m.length);
    expect(m.reduce((s, v) => s + v, 0)).toBeGreaterThan(60); // still a lung-sized blob
    expect(augInput(img, S, 5, 0, false, 0)).toBe(img); // aug 0 without flip is the input itself
  });

  it('denseGrid puts token (i, j) of shift (a, b) at cell (2i + a, 2j + b)', () => {
    const G = 2;
    const D = 3;
    const byShift = [0, 1, 2, 3].map((s) => [
      Float32Array.from({ length: (1 + G * G) * D }, (_, k) =>
        k < D ? -1 : s * 100 + Math.floor(k / D) - 1,
      ),
    ]);
    const out = denseGrid(byShift, G, D);
    expect(out.length).toBe(4 * G * G * D);
    for (let s = 0; s < 4; s++)
      for (let i = 0; i < G; i++)
        for (let j = 0; j < G; j++) {
          const cell = (2 * i + (s >> 1)) * 2 * G + 2 * j + (s & 1);
          expect(out[cell * D]).toBe(s * 100 + i * G + j);
        }
  });
});
