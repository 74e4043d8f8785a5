import type { DataSet, Element } from 'dicom-parser';
import { ImageDecodeError } from '../types.ts';
import type { PixelAttrs } from './attrs.ts';
import { type DecodedFrame, decodeJpegLossless, decodeWasm } from './codecs.ts';
import { decodeJpegGray } from './jpeg12.ts';
import { dicomParser } from './parse.ts';
import { decodeRle } from './rle.ts';
import type { PixelCodec } from './syntaxes.ts';

/** Bytes of the first frame's compressed bitstream. */
function firstFragmentBytes(ds: DataSet, el: Element, a: PixelAttrs, codec: PixelCodec): Uint8Array {
  const frags = el.fragments ?? [];
  if (frags.length === 0) throw new Error('encapsulated Pixel Data has no fragments');
  if (a.frames <= 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, frags.length);
  if (el.basicOffsetTable && el.basicOffsetTable.length > 0)
    return dicomParser.readEncapsulatedImageFrame(ds, el, 0);
  if (frags.length === a.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, 1);
  if (codec === 'jpeg' || codec === 'jpeg-lossless') {
    const bot = dicomParser.createJPEGBasicOffsetTable(ds, el);
    return dicomParser.readEncapsulatedImageFrame(ds, el, 0, bot);
  }
  return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, 1);
}

function jpegPrecision(b: Uint8Array): number {
  for (let p = 2; p + 4 < b.length; ) {
    if (b[p] !== 0xff) return 0;
    const m = b[p + 1];
    if ((m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xda)
      return m === 0xda ? 0 : b[p + 4];
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  return 0;
}

/** Decompresses frame 1 of encapsulated pixel data into little-endian samples. */
export async function decodeEncapsulated(
  ds: DataSet,
  el: Element,
  a: PixelAttrs,
  codec: PixelCodec,
  file: string,
  syntaxName: string,
): Promise<DecodedFrame> {
  let bits: Uint8Array;
  try {
    bits = firstFragmentBytes(ds, el, a, codec);
  } catch (e) {
    throw new ImageDecodeError(file, `corrupt encapsulated Pixel Data: ${(e as Error).message ?? String(e)}`);
  }
  try {
    switch (codec) {
      case 'rle': {
        const bps = a.bitsAllocated / 8;
        if (bps !== 1 && bps !== 2) throw new Error(`RLE with BitsAllocated ${a.bitsAllocated}`);
        const n = a.rows * a.cols;
        const bytes = decodeRle(bits, n, bps, a.samplesPerPixel);
        return {
          bytes,
          width: a.cols,
          height: a.rows,
          components: a.samplesPerPixel,
          bytesPerSample: bps,
          colourIsRgb: false,
        };
      }
      case 'jpeg': {
        // libjpeg-turbo here is the 8-bit build; 12-bit and progressive 12-bit go to our decoder.
        if (jpegPrecision(bits) > 8) {
          const g = decodeJpegGray(bits);
          const bytes = new Uint8Array(g.samples.buffer, 0, g.samples.byteLength);
          return {
            bytes,
            width: g.width,
            height: g.height,
            components: 1,
            bytesPerSample: 2,
            colourIsRgb: false,
          };
        }
        return await decodeWasm('jpeg', bits);
      }
      case 'jpeg-lossless':
        return decodeJpegLossless(bits);
      case 'jpegls':
        return await decodeWasm('jpegls', bits);
      case 'j2k':
        return await decodeWasm('j2k', bits);
      case 'htj2k':
        return await decodeWasm('htj2k', bits);
      default:
        throw new Error(`${codec} data is not encapsulated`);
    }
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    const msg = e instanceof Error ? e.message : typeof e === 'number' ? `codec error ${e}` : String(e);
    throw new ImageDecodeError(file, `corrupt ${syntaxName} pixel data: ${msg}`);
  }
}
