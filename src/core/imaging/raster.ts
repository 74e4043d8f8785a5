import sharp, { type OutputInfo } from 'sharp';
import { decodeJpegLossless } from './dicom/codecs.ts';
import { decodeJpegGray } from './dicom/jpeg12.ts';
import { minMax } from './dicom/pixels.ts';
import { checkDimensions } from './limits.ts';
import { jpegHeader, pngHeader, type RasterHeader } from './raster-header.ts';
import { type DecodedImage, IMAGE_LIMITS, ImageDecodeError, type WindowPreset } from './types.ts';

/**
 * Luminance of RGB as PIL's `convert('L')` computes it (ITU-R 601, 16-bit fixed point, the
 * weights sum to 65536 so grey RGB stays exactly grey). Pretraining reads images with PIL, so
 * the app must agree with it bit for bit.
 */
export function luminance601(
  rgb: Uint8Array | Uint16Array,
  channels: number,
  n: number,
): Uint8Array | Uint16Array {
  const out = rgb instanceof Uint8Array ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    out[i] = (rgb[j] * 19595 + rgb[j + 1] * 38470 + rgb[j + 2] * 7471 + 0x8000) / 65536;
  }
  return out;
}

/** Window that maps [lo, hi] linearly onto 0..255 under the DICOM LINEAR function. */
export function rangeWindow(lo: number, hi: number, name: string): WindowPreset {
  return { center: (lo + hi + 1) / 2, width: Math.max(1, hi - lo + 1), name };
}

/**
 * JPEG files that libjpeg's 8-bit build cannot read but medical exports contain: 12-bit DCT
 * (own decoder) and lossless process 14 (jpeg-lossless-decoder-js). Grey only.
 */
function decodeMedicalJpeg(bytes: Uint8Array, file: string, h: RasterHeader): DecodedImage {
  if (h.colour) throw new ImageDecodeError(file, `unsupported JPEG: ${h.bitDepth}-bit colour`);
  let raw: Uint16Array | Uint8Array;
  try {
    if (h.sof === 3) {
      const f = decodeJpegLossless(bytes);
      raw = f.bytesPerSample === 2 ? new Uint16Array(f.bytes.slice().buffer) : f.bytes;
    } else {
      raw = decodeJpegGray(bytes).samples;
    }
  } catch (e) {
    throw new ImageDecodeError(file, `corrupt or truncated JPEG: ${(e as Error).message}`);
  }
  const [lo, hi] = minMax(raw);
  const top = 2 ** h.bitDepth - 1;
  return {
    format: 'jpeg',
    width: h.width,
    height: h.height,
    raw,
    storedRange: [0, top],
    rescaleSlope: 1,
    rescaleIntercept: 0,
    voiLuts: [],
    windows: [rangeWindow(lo, hi, 'min–max'), rangeWindow(0, top, 'full range')],
    invert: false,
    meta: { bitsStored: h.bitDepth, bitsAllocated: h.bitDepth > 8 ? 16 : 8 },
    warnings: [],
  };
}

/** Decodes PNG or JPEG through sharp (libvips) into stored luminance at the file's bit depth. */
export async function decodeRaster(
  bytes: Uint8Array,
  file: string,
  kind: 'png' | 'jpeg',
): Promise<DecodedImage> {
  const h = kind === 'png' ? pngHeader(bytes, file) : jpegHeader(bytes, file);
  checkDimensions(file, h.width, h.height, h.bytesPerPixel);
  if (kind === 'jpeg' && (h.bitDepth > 8 || h.sof === 3)) return decodeMedicalJpeg(bytes, file, h);
  const sixteen = kind === 'png' && h.bitDepth === 16;
  let pipe = sharp(bytes, { limitInputPixels: IMAGE_LIMITS.maxPixels });
  if (kind === 'jpeg') pipe = pipe.autoOrient();
  pipe = h.colour
    ? pipe.toColourspace(sixteen ? 'rgb16' : 'srgb')
    : pipe.toColourspace(sixteen ? 'grey16' : 'b-w');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipe.raw({ depth: sixteen ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ImageDecodeError(file, `corrupt or truncated ${kind.toUpperCase()}: ${(e as Error).message}`);
  }
  const { data, info } = out;
  const n = info.width * info.height;
  let raw: Uint8Array | Uint16Array;
  if (sixteen) {
    const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
    raw = new Uint16Array(aligned.buffer, aligned.byteOffset, data.length / 2);
  } else {
    raw = new Uint8Array(data.buffer, data.byteOffset, data.length);
  }
  const warnings: string[] = [];
  if (info.channels >= 3) {
    raw = luminance601(raw, info.channels, n);
    warnings.push(`colour ${kind.toUpperCase()} converted to luminance (ITU-R 601, as PIL convert('L'))`);
  } else if (info.channels === 2) {
    // Grey + alpha: keep the grey channel; transparency has no meaning in a radiograph.
    const g = sixteen ? new Uint16Array(n) : new Uint8Array(n);
    for (let i = 0; i < n; i++) g[i] = raw[2 * i];
    raw = g;
  }
  const windows: WindowPreset[] = [];
  if (sixteen) {
    const [lo, hi] = minMax(raw);
    windows.push(rangeWindow(lo, hi, 'min–max'), rangeWindow(0, 65535, 'full range'));
  } else {
    windows.push(rangeWindow(0, 255, 'full range'));
  }
  return {
    format: kind,
    width: info.width,
    height: info.height,
    raw,
    storedRange: sixteen ? [0, 65535] : [0, 255],
    rescaleSlope: 1,
    rescaleIntercept: 0,
    voiLuts: [],
    windows,
    invert: false,
    meta: { bitsStored: sixteen ? 16 : 8, bitsAllocated: sixteen ? 16 : 8 },
    warnings,
  };
}
