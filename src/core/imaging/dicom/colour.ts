import type { DataSet } from 'dicom-parser';
import { luminance601 } from '../raster.ts';
import type { Lut } from '../types.ts';
import { readLut } from './attrs.ts';
import type { Raw } from './pixels.ts';

/**
 * Colour pixels → one luminance channel at the sample depth. RGB uses the ITU-R 601 weights
 * (as PIL convert('L') and as YCbCr's Y); YBR data already carries Y, so it is taken as is
 * (partial-range Y is stretched from 16..235 to full range).
 */
export function colourLuma(
  bytes: Uint8Array,
  n: number,
  bytesPerSample: 1 | 2,
  photometric: string,
  planar: number,
): Uint8Array | Uint16Array {
  const samples: Uint8Array | Uint16Array =
    bytesPerSample === 2 ? new Uint16Array(Buffer.from(bytes.subarray(0, n * 6)).buffer, 0, n * 3) : bytes;
  const at =
    planar === 1
      ? (i: number, c: number) => samples[c * n + i]
      : (i: number, c: number) => samples[i * 3 + c];
  const out = bytesPerSample === 2 ? new Uint16Array(n) : new Uint8Array(n);
  if (photometric === 'RGB') {
    if (planar !== 1) return luminance601(samples, 3, n);
    for (let i = 0; i < n; i++)
      out[i] = (at(i, 0) * 19595 + at(i, 1) * 38470 + at(i, 2) * 7471 + 0x8000) / 65536;
    return out;
  }
  if (photometric === 'YBR_FULL_422' && bytes.length < n * 3 * bytesPerSample) {
    // Native 4:2:2 stores Y1 Y2 Cb Cr for each pair of pixels.
    for (let i = 0; i < n; i++) out[i] = samples[(i >> 1) * 4 + (i & 1)];
    return out;
  }
  const partial = photometric.startsWith('YBR_PARTIAL');
  const max = bytesPerSample === 2 ? 65535 : 255;
  for (let i = 0; i < n; i++) {
    const y = at(i, 0);
    out[i] = partial ? Math.min(max, Math.max(0, Math.round(((y - 16) * 255) / 219))) : y;
  }
  return out;
}

function entry8(lut: Lut, index: number): number {
  const v = lut.data[Math.min(Math.max(index - lut.firstValueMapped, 0), lut.data.length - 1)];
  return lut.bitsPerEntry > 8 ? v >> (lut.bitsPerEntry - 8) : v;
}

/** PALETTE COLOR: look each index up in the red, green and blue tables, then take luminance. */
export function paletteLuma(ds: DataSet, indices: Raw, n: number): Uint8Array {
  if (ds.elements.x00281221) throw new Error('segmented palette colour LUTs are not supported');
  const r = readLut(ds, 'x00281101', 'x00281201', false);
  const g = readLut(ds, 'x00281102', 'x00281202', false);
  const b = readLut(ds, 'x00281103', 'x00281203', false);
  if (!r || !g || !b) throw new Error('PALETTE COLOR image without complete palette tables');
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    out[i] = (entry8(r, k) * 19595 + entry8(g, k) * 38470 + entry8(b, k) * 7471 + 0x8000) / 65536;
  }
  return out;
}
