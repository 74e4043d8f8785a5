import type { DataSet, Element } from 'dicom-parser';
import { ImageDecodeError } from '../types.ts';
import type { PixelAttrs } from './attrs.ts';
import { type DecodedFrame, decodeJpegLossless, decodeWasm } from './codecs.ts';
import { j2kStreamHeader, jpegStreamHeader } from './codestream.ts';
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
  const header =
    codec === 'j2k' || codec === 'htj2k'
      ? j2kStreamHeader(bits)
      : codec === 'rle'
        ? undefined
        : jpegStreamHeader(bits);
  if (header && (header.width > a.cols || header.height > a.rows)) {
    throw new ImageDecodeError(
      file,
      `corrupt ${syntaxName} pixel data: codestream claims ${header.width}×${header.height}, dataset says ${a.cols}×${a.rows}`,
    );
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
        if ((header?.precision ?? 8) > 8) {
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
