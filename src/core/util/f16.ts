/** IEEE 754 half-precision packing for the feature cache (halves its size; ~1e-3 relative error). */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Packs `src` into `out` from index `at` (a fresh array by default). */
export function toFloat16(src: Float32Array, out = new Uint16Array(src.length), at = 0): Uint16Array {
  for (let j = 0; j < src.length; j++) {
    const i = at + j;
    f32[0] = src[j];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let h = mant >> shift;
      if ((mant >> (shift - 1)) & 1 && (mant & ((1 << (shift - 1)) - 1) || h & 1)) h++;
      out[i] = sign | h;
      continue;
    }
    // round to nearest even
    let h = (e << 10) | (mant >> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
    if (h >= 0x7c00) h = 0x7c00;
    out[i] = sign | h;
  }
  return out;
}

const TABLE = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) t[h] = s * m * 2 ** -24;
    else if (e === 0x1f) t[h] = m ? Number.NaN : s * Number.POSITIVE_INFINITY;
    else t[h] = s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

export function fromFloat16<T extends Float32Array = Float32Array<ArrayBuffer>>(
  src: Uint16Array,
  out: T = new Float32Array(src.length) as T,
): T {
  for (let i = 0; i < src.length; i++) out[i] = TABLE[src[i]];
  return out;
}
