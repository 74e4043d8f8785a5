import { ImageDecodeError } from './types.ts';

/** Header facts read without decoding: dimensions (for the bomb check), depth and colour. */
export interface RasterHeader {
  width: number;
  height: number;
  bitDepth: number;
  colour: boolean;
  /** JPEG only: the SOF marker's process number (0 baseline, 1 extended, 2 progressive, 3 lossless). */
  sof?: number;
  /** Bytes per pixel of the decoder's output (all channels, palette expanded), for the memory budget. */
  bytesPerPixel: number;
}

/** Channels per PNG colour type; a palette (3) decodes to RGBA. */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 4, 4: 2, 6: 4 };

/** PNG IHDR: always the first chunk, at a fixed offset. */
export function pngHeader(b: Uint8Array, file: string): RasterHeader {
  if (b.length < 33) throw new ImageDecodeError(file, 'truncated PNG: file ends inside the header');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') {
    throw new ImageDecodeError(file, 'corrupt PNG: first chunk is not IHDR');
  }
  const colourType = b[25];
  // Colour types 2 (RGB), 3 (palette) and 6 (RGBA) need luminance conversion; 0 and 4 are grey.
  const channels = PNG_CHANNELS[colourType] ?? 4;
  return {
    width: dv.getUint32(16),
    height: dv.getUint32(20),
    bitDepth: b[24],
    colour: colourType % 4 !== 0,
    bytesPerPixel: channels * (b[24] === 16 ? 2 : 1),
  };
}

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** JPEG: walk the marker segments up to the first start-of-frame. */
export function jpegHeader(b: Uint8Array, file: string): RasterHeader {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) throw new ImageDecodeError(file, `corrupt JPEG: expected a marker at byte ${p}`);
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      p += 2;
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    if (SOF.has(m)) {
      if (p + 10 > b.length) break;
      return {
        bitDepth: b[p + 4],
        height: (b[p + 5] << 8) | b[p + 6],
        width: (b[p + 7] << 8) | b[p + 8],
        colour: b[p + 9] >= 3,
        sof: m - 0xc0,
        bytesPerPixel: Math.max(1, b[p + 9]) * (b[p + 4] > 8 ? 2 : 1),
      };
    }
    if (m === 0xda || m === 0xd9 || len < 2) break;
    p += 2 + len;
  }
  throw new ImageDecodeError(file, 'truncated or corrupt JPEG: no frame header (SOF) found');
}
