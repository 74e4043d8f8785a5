import type { Lut, WindowPreset } from './types.ts';

/** Maps a modality value to 0..255 (float). */
export type VoiFn = (m: number) => number;

/**
 * VOI window functions of DICOM PS3.3 C.11.2.1.2 with output range 0..255.
 * LINEAR keeps the standard's "c − 0.5" and "w − 1" terms, which is what makes a min–max
 * window (c = (lo+hi+1)/2, w = hi−lo+1) map lo→0 and hi→255 exactly.
 */
export function windowFn(w: WindowPreset): VoiFn {
  const c = w.center;
  const width = w.width;
  if (w.fn === 'SIGMOID') {
    return (x) => 255 / (1 + Math.exp((-4 * (x - c)) / width));
  }
  if (w.fn === 'LINEAR_EXACT') {
    const lo = c - width / 2;
    const hi = c + width / 2;
    return (x) => (x <= lo ? 0 : x > hi ? 255 : ((x - c) / width + 0.5) * 255);
  }
  const w1 = Math.max(width - 1, 0);
  const lo = c - 0.5 - w1 / 2;
  const hi = c - 0.5 + w1 / 2;
  if (w1 === 0) return (x) => (x <= lo ? 0 : 255);
  return (x) => (x <= lo ? 0 : x > hi ? 255 : ((x - (c - 0.5)) / w1 + 0.5) * 255);
}

/** Table lookup with clamping at both ends, as PS3.3 C.11.1/C.11.2 prescribe for LUTs. */
export function lutLookup(lut: Lut, x: number): number {
  let i = Math.round(x) - lut.firstValueMapped;
  if (i < 0) i = 0;
  else if (i >= lut.data.length) i = lut.data.length - 1;
  return lut.data[i];
}

/**
 * VOI LUT: its output spans 0..2^bits−1. Some files declare 16 bits but fill fewer, so the
 * output range is taken from the largest entry's bit length when that is smaller.
 */
export function voiLutFn(lut: Lut): VoiFn {
  let maxEntry = 0;
  for (let i = 0; i < lut.data.length; i++) if (lut.data[i] > maxEntry) maxEntry = lut.data[i];
  let bits = lut.bitsPerEntry;
  const used = Math.max(1, Math.ceil(Math.log2(maxEntry + 1)));
  if (used < bits) bits = used;
  const scale = 255 / (2 ** bits - 1);
  return (m) => lutLookup(lut, m) * scale;
}
