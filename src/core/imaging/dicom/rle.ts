/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
 * segment per byte plane, most significant byte first. Output: little-endian samples, planar
 * by sample (segments for sample 0, then sample 1, …), as `samplesToRaw` expects per plane.
 */
export function decodeRle(
  frame: Uint8Array,
  pixels: number,
  bytesPerSample: number,
  samples: number,
): Uint8Array {
  if (frame.length < 64) throw new Error('RLE frame shorter than its 64-byte header');
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const nseg = dv.getUint32(0, true);
  if (nseg !== bytesPerSample * samples || nseg > 15) {
    throw new Error(`RLE header has ${nseg} segments, expected ${bytesPerSample * samples}`);
  }
  const out = new Uint8Array(pixels * bytesPerSample * samples);
  for (let s = 0; s < nseg; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < nseg ? dv.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > frame.length || end > frame.length || end < start) {
      throw new Error(`RLE segment ${s + 1} offset ${start} outside the frame`);
    }
    const sample = Math.floor(s / bytesPerSample);
    const byteIndex = bytesPerSample - 1 - (s % bytesPerSample);
    const planeBase = sample * pixels * bytesPerSample;
    let p = start;
    let i = 0;
    while (i < pixels && p < end) {
      const n = (frame[p++] << 24) >> 24;
      if (n >= 0) {
        for (let k = 0; k <= n && i < pixels; k++)
          out[planeBase + i++ * bytesPerSample + byteIndex] = frame[p++];
      } else if (n !== -128) {
        const v = frame[p++];
        for (let k = 0; k < 1 - n && i < pixels; k++) out[planeBase + i++ * bytesPerSample + byteIndex] = v;
      }
    }
    if (i < pixels) throw new Error(`RLE segment ${s + 1} ends after ${i} of ${pixels} pixels`);
  }
  return out;
}
