import { IMAGE_LIMITS, ImageDecodeError } from './types.ts';

/**
 * Refuses absurd header dimensions before any pixel buffer exists, so that a 60000×60000
 * "decompression bomb" costs a few header bytes instead of gigabytes.
 */
export function checkDimensions(file: string, width: number, height: number): void {
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
}
