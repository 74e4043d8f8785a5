/**
 * Binary SEG pixels (BitsAllocated 1): one bit per pixel, least significant bit first, frames
 * following each other with no padding (PS3.5 8.1.1); the whole value is padded to an even length.
 */
export function packBits(frames: Uint8Array[]): Uint8Array {
  const total = frames.reduce((n, f) => n + f.length, 0);
  const out = new Uint8Array((Math.ceil(total / 8) + 1) & ~1);
  let bit = 0;
  for (const f of frames) {
    for (let i = 0; i < f.length; i++, bit++) if (f[i]) out[bit >> 3] |= 1 << (bit & 7);
  }
  return out;
}

export function unpackBits(data: Uint8Array, frameLength: number, frames: number): Uint8Array[] {
  if (data.length * 8 < frameLength * frames) {
    throw new Error(`Pixel Data holds ${data.length} bytes, ${Math.ceil((frameLength * frames) / 8)} needed`);
  }
  const out: Uint8Array[] = [];
  let bit = 0;
  for (let f = 0; f < frames; f++) {
    const m = new Uint8Array(frameLength);
    for (let i = 0; i < frameLength; i++, bit++) m[i] = (data[bit >> 3] >> (bit & 7)) & 1;
    out.push(m);
  }
  return out;
}
