import { IMAGE_LIMITS, ImageDecodeError } from './types.ts';

/**
 * Refuses absurd header dimensions before any pixel buffer exists, so that a 60000×60000
 * "decompression bomb" costs a few header bytes instead of gigabytes.
 */
export function checkDimensions(file: string, width: number, height: number, bytesPerPixel = 1): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageDecodeError(file, `invalid image dimensions ${width}×${height}`);
  }
  if (
    width > IMAGE_LIMITS.maxSide ||
    height > IMAGE_LIMITS.maxSide ||
    width * height > IMAGE_LIMITS.maxPixels
  ) {
    throw new ImageDecodeError(
      file,
      `image dimensions ${width}×${height} exceed the limit (${IMAGE_LIMITS.maxSide} px per side, ` +
        `${IMAGE_LIMITS.maxPixels / 1e6} MP): refused as a possible decompression bomb`,
    );
  }
  const bytes = width * height * bytesPerPixel;
  if (bytes > IMAGE_LIMITS.maxDecodedBytes)
    throw new ImageDecodeError(
      file,
      `image ${width}×${height} at ${bytesPerPixel} bytes per pixel decodes to ${Math.round(bytes / 2 ** 20)} MiB ` +
        `(limit ${IMAGE_LIMITS.maxDecodedBytes / 2 ** 20} MiB): refused as a possible decompression bomb`,
    );
}

/** Refuses a file larger than any image we accept, from its size alone (never read). */
export function checkFileSize(file: string, size: number): void {
  if (size > IMAGE_LIMITS.maxFileBytes)
    throw new ImageDecodeError(
      file,
      `file is ${Math.round(size / 2 ** 20)} MiB (limit ${IMAGE_LIMITS.maxFileBytes / 2 ** 20} MiB): not read`,
    );
}
