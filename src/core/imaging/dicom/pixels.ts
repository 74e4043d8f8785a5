import type { DecodedImage } from '../types.ts';

export type Raw = DecodedImage['raw'];

export interface SampleLayout {
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRep: number;
}

/** Range of values BitsStored and PixelRepresentation allow. */
export function storedRange(l: SampleLayout): [number, number] {
  return l.pixelRep === 1
    ? [-(2 ** (l.bitsStored - 1)), 2 ** (l.bitsStored - 1) - 1]
    : [0, 2 ** l.bitsStored - 1];
}

function words(bytes: Uint8Array, n: number, size: 2 | 4, littleEndian: boolean): Uint16Array | Uint32Array {
  const aligned = bytes.byteOffset % size === 0;
  if (littleEndian && aligned) {
    return size === 2
      ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
      : new Uint32Array(bytes.buffer, bytes.byteOffset, n);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, n * size);
  if (size === 2) {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = dv.getUint16(2 * i, littleEndian);
    return out;
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getUint32(4 * i, littleEndian);
  return out;
}

/**
 * Stored sample bytes → stored values: BitsStored bits taken at HighBit, sign-extended when
 * PixelRepresentation is 1. Bits outside BitsStored (overlays, junk) are discarded, as
 * PS3.5 8.1.1 requires. Returns a view on `bytes` when no change is needed; never mutates it.
 */
export function samplesToRaw(bytes: Uint8Array, n: number, l: SampleLayout, littleEndian = true): Raw {
  const { bitsAllocated: ba, bitsStored: bs, highBit: hb, pixelRep } = l;
  const shift = hb + 1 - bs;
  const clean = shift === 0 && bs === ba;
  const signed = pixelRep === 1;
  if (ba === 8) {
    if (clean && !signed) return new Uint8Array(bytes.buffer, bytes.byteOffset, n);
    const out = signed ? new Int16Array(n) : new Uint8Array(n);
    const mask = (1 << bs) - 1;
    const ext = 32 - bs;
    for (let i = 0; i < n; i++) {
      const v = (bytes[i] >> shift) & mask;
      out[i] = signed ? (v << ext) >> ext : v;
    }
    return out;
  }
  if (ba === 16) {
    const w = words(bytes, n, 2, littleEndian) as Uint16Array;
    if (clean) return signed ? new Int16Array(w.buffer, w.byteOffset, n) : w;
    const out = signed ? new Int16Array(n) : new Uint16Array(n);
    const mask = (1 << bs) - 1;
    const ext = 32 - bs;
    for (let i = 0; i < n; i++) {
      const v = (w[i] >> shift) & mask;
      out[i] = signed ? (v << ext) >> ext : v;
    }
    return out;
  }
  if (ba === 32) {
    const w = words(bytes, n, 4, littleEndian) as Uint32Array;
    if (clean) return signed ? new Int32Array(w.buffer, w.byteOffset, n) : w;
    const out = signed ? new Int32Array(n) : new Uint32Array(n);
    const mask = bs >= 32 ? 0xffffffff : 2 ** bs - 1;
    const ext = 32 - bs;
    for (let i = 0; i < n; i++) {
      const v = ((w[i] >>> shift) & mask) >>> 0;
      out[i] = signed ? (v << ext) >> ext : v;
    }
    return out;
  }
  throw new RangeError(`BitsAllocated ${ba} is not supported (8, 16 or 32)`);
}

export function minMax(a: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
