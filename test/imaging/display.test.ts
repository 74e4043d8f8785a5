import { describe, expect, it } from 'vitest';
import { type DecodedImage, renderDisplay } from '../../src/core/imaging/index.ts';
import { voiLutFn, windowFn } from '../../src/core/imaging/voi.ts';

function image(raw: DecodedImage['raw'], over: Partial<DecodedImage> = {}): DecodedImage {
  return {
    format: 'dicom',
    width: raw.length,
    height: 1,
    raw,
    storedRange: [0, 4095],
    rescaleSlope: 1,
    rescaleIntercept: 0,
    voiLuts: [],
    windows: [{ center: 2048, width: 4096, name: 'w' }],
    invert: false,
    meta: {},
    warnings: [],
    ...over,
  };
}

describe('VOI functions (PS3.3 C.11.2.1.2)', () => {
  it('LINEAR: the standard’s bounds, c − 0.5 and w − 1', () => {
    const f = windowFn({ center: 40, width: 400, name: '' });
    // x <= c − 0.5 − (w−1)/2 → 0 ; x > c − 0.5 + (w−1)/2 → 255
    expect(f(40 - 0.5 - 199.5)).toBe(0);
    expect(f(40 - 0.5 + 199.5 + 1e-9)).toBe(255);
    expect(f(39.5)).toBeCloseTo(127.5, 10);
    const one = windowFn({ center: 100, width: 1, name: '' });
    expect([one(99.5), one(99.6)]).toEqual([0, 255]);
  });

  it('LINEAR_EXACT and SIGMOID', () => {
    const e = windowFn({ center: 128, width: 256, name: '', fn: 'LINEAR_EXACT' });
    expect([e(0), e(128), e(256), e(257)]).toEqual([0, 127.5, 255, 255]);
    const s = windowFn({ center: 100, width: 50, name: '', fn: 'SIGMOID' });
    expect(s(100)).toBeCloseTo(127.5, 10);
    expect(s(125)).toBeCloseTo(255 / (1 + Math.exp(-2)), 10);
  });

  it('VOI LUT: clamped lookup scaled from the entries’ bit depth', () => {
    const f = voiLutFn({ firstValueMapped: 10, bitsPerEntry: 16, data: Uint16Array.from([0, 1023, 4095]) });
    // Entries use 12 of the declared 16 bits: the output range follows the data.
    expect([f(0), f(11), f(12), f(99)]).toEqual([0, (1023 * 255) / 4095, 255, 255]);
  });
});

describe('renderDisplay', () => {
  it('rescale → window → MONOCHROME1 inversion → truncation', () => {
    const img = image(Uint16Array.from([0, 1000, 2000, 4095]), {
      rescaleSlope: 2,
      rescaleIntercept: -1000,
      windows: [{ center: 1000, width: 2001, name: 'w' }],
      invert: true,
    });
    // modality: −1000, 1000, 3000, 7190 → window [0, 2000] → 0, 127.5, 255, 255 → inverted.
    expect(Array.from(renderDisplay(img))).toEqual([255, 127, 0, 0]);
    expect(Array.from(renderDisplay(img, { invert: true }))).toEqual([0, 127, 255, 255]);
    expect(Array.from(renderDisplay(img, { window: { center: 3000, width: 2 } }))).toEqual([255, 255, 0, 0]);
  });

  it('signed stored values and a modality LUT', () => {
    const img = image(Int16Array.from([-2, -1, 0, 5]), {
      storedRange: [-2048, 2047],
      modalityLut: { firstValueMapped: -1, bitsPerEntry: 16, data: Uint16Array.from([100, 200, 300]) },
      windows: [{ center: 200.5, width: 201, name: 'w' }],
    });
    expect(Array.from(renderDisplay(img))).toEqual([0, 0, 127, 255]);
  });

  it('uses the VOI LUT by default when the file has no window', () => {
    const lut = { firstValueMapped: 0, bitsPerEntry: 8, data: Uint16Array.from([255, 0]) };
    const img = image(Uint8Array.from([0, 1]), { storedRange: [0, 255], voiLuts: [lut], defaultVoiLut: 0 });
    expect(Array.from(renderDisplay(img))).toEqual([255, 0]);
    expect(Array.from(renderDisplay(img, { window: { center: 1, width: 1 } }))).toEqual([0, 255]);
  });

  it('float pixels go through the direct path', () => {
    const img = image(Float32Array.from([-1.5, 0.25, 2]), {
      windows: [{ center: 0.5, width: 2, name: 'w', fn: 'LINEAR_EXACT' }],
    });
    expect(Array.from(renderDisplay(img))).toEqual([0, 95, 255]);
  });

  it('rejects windows and LUTs that do not exist', () => {
    const img = image(Uint8Array.from([1]));
    expect(() => renderDisplay(img, { window: 3 })).toThrow(/window 3 does not exist/);
    expect(() => renderDisplay(img, { voiLutIndex: 0 })).toThrow(/VOI LUT 0 does not exist/);
  });
});
