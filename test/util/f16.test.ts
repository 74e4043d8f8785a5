import { describe, expect, it } from 'vitest';
import { fromFloat16, toFloat16 } from '../../src/core/util/f16.ts';

describe('float16 packing', () => {
  it('round-trips exactly representable values and known bit patterns', () => {
    const x = new Float32Array([0, 1, -2, 0.5, 65504, -0.099975586, 6.103515625e-5, 2 ** -24]);
    const h = toFloat16(x);
    expect(Array.from(h.slice(0, 5))).toEqual([0x0000, 0x3c00, 0xc000, 0x3800, 0x7bff]);
    expect(Array.from(fromFloat16(h))).toEqual(Array.from(x));
  });
  it('rounds to nearest with < 1e-3 relative error and saturates to infinity', () => {
    const x = new Float32Array(1000).map((_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    const y = fromFloat16(toFloat16(x));
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(x[i]) > 1e-4) expect(Math.abs(y[i] - x[i]) / Math.abs(x[i])).toBeLessThan(1e-3);
    }
    expect(fromFloat16(toFloat16(new Float32Array([1e6, -1e6])))).toEqual(
      new Float32Array([Infinity, -Infinity]),
    );
    expect(Number.isNaN(fromFloat16(toFloat16(new Float32Array([Number.NaN])))[0])).toBe(true);
  });
});
