/**
 * Public imaging API. Everything else in this folder is internal; import from here.
 * Contract types live in types.ts.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeDicom, probeDicom } from './dicom/decode.ts';
import { checkDimensions, checkFileSize } from './limits.ts';
import { decodeRaster } from './raster.ts';
import { jpegHeader, pngHeader } from './raster-header.ts';
import { sniff } from './sniff.ts';
import { type DecodedImage, ImageDecodeError, type ProbeResult } from './types.ts';

export { renderDisplay } from './display.ts';
export { decodeMaskPng, encodeGrayPng, makeThumbnail, THUMBNAIL_MIME } from './encode.ts';
export { checkFileSize } from './limits.ts';
export { maskToOriginal, resizeGray, squareGeometry, toModelInput } from './model-input.ts';
export * from './types.ts';

async function readAll(path: string): Promise<Uint8Array> {
  try {
    checkFileSize(path, (await stat(path)).size);
    return await readFile(path);
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new ImageDecodeError(path, `cannot read file (${err.code ?? err.message})`);
  }
}

/**
 * Decodes DICOM, PNG or JPEG from memory; `fileName` only names the file in errors. Whatever
 * goes wrong inside a parser or codec on hostile bytes surfaces as an ImageDecodeError.
 */
export async function decodeBuffer(bytes: Uint8Array, fileName: string): Promise<DecodedImage> {
  try {
    const kind = sniff(bytes, fileName);
    if (kind === 'png' || kind === 'jpeg') return await decodeRaster(bytes, fileName, kind);
    return await decodeDicom(bytes, fileName, kind);
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ImageDecodeError(fileName, `corrupt or unsupported data (${msg})`);
  }
}

/** Reads and decodes one file; any failure is an ImageDecodeError naming the file. */
export async function decodeFile(path: string): Promise<DecodedImage> {
  return decodeBuffer(await readAll(path), path);
}

const PROBE_BYTES = 256 * 1024;

/**
 * Cheap header read: format and dimensions, with the decompression-bomb check applied.
 * Reads the first 256 KiB; DICOM headers longer than that (or deflated) are read whole.
 */
export async function probeFile(path: string): Promise<ProbeResult> {
  let head: Uint8Array;
  let whole = false;
  try {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const buf = Buffer.alloc(Math.min(size, PROBE_BYTES));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
      whole = bytesRead >= size;
    } finally {
      await fh.close();
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ImageDecodeError(path, `cannot read file (${err.code ?? err.message})`);
  }
  const kind = sniff(head, path);
  if (kind === 'png' || kind === 'jpeg') {
    const h = kind === 'png' ? pngHeader(head, path) : jpegHeader(head, path);
    checkDimensions(path, h.width, h.height, h.bytesPerPixel);
    return { format: kind, width: h.width, height: h.height };
  }
  try {
    return probeDicom(head, path, kind);
  } catch (e) {
    if (whole || !(e instanceof ImageDecodeError)) throw e;
    return probeDicom(await readAll(path), path, kind);
  }
}

/** The file's base name, for messages where a full path would be noise. */
export function displayName(path: string): string {
  return basename(path);
}
