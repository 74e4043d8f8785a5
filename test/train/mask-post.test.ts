import { describe, expect, it } from 'vitest';
import { cleanLungMask, probToOriginal } from '../../src/core/train/mask-post.ts';

describe('mask post-processing', () => {
  it('keeps the two largest components, drops specks and small third blobs, fills holes', () => {
    const w = 12;
    const h = 8;
    const m = new Uint8Array(w * h);
    const rect = (x0: number, y0: number, x1: number, y1: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 255;
    };
    rect(0, 0, 4, 6); // 24 px, left lung
    rect(6, 0, 10, 5); // 20 px, right lung
    m[2 * w + 1] = 0; // a hole inside the left lung
    m[7 * w + 11] = 255; // a speck
    const out = cleanLungMask(m, w, h);
    expect(out[2 * w + 1]).toBe(255);
    expect(out[7 * w + 11]).toBe(0);
    expect(out.filter((v) => v).length).toBe(44);
  });

  it('maps a probability map back to the padded original with smooth borders', () => {
    // 4×4 model map of a 4×2 (wide) original: rows 1–2 are the image, left half is "lung".
    const prob = new Uint8Array(16);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 2; x++) prob[y * 4 + x] = 255;
    const out = probToOriginal(prob, 4, { side: 8, offsetX: 0, offsetY: 2, width: 8, height: 4 });
    expect(out.length).toBe(32);
    for (let y = 0; y < 4; y++)
      expect(Array.from(out.slice(y * 8, y * 8 + 8))).toEqual([255, 255, 255, 255, 0, 0, 0, 0]);
  });
});
