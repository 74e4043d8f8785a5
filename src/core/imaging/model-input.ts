import { resample, resampleSquare } from './resample.ts';
import type { PreprocessSpec, SquareGeometry } from './types.ts';

/** Centred square: offsets are floor((side − w)/2), so any odd pixel of padding goes right/bottom. */
export function squareGeometry(width: number, height: number): SquareGeometry {
  const side = Math.max(width, height);
  return {
    side,
    offsetX: Math.floor((side - width) / 2),
    offsetY: Math.floor((side - height) / 2),
    width,
    height,
  };
}

/**
 * The canonical model input (see PreprocessSpec): pad the 8-bit display image to a centred
 * square with 0, antialiased-bilinear resize to spec.size (Pillow semantics), then
 * (v/255 − mean)/std, one channel, row-major size×size.
 */
export function toModelInput(
  gray8: Uint8Array,
  width: number,
  height: number,
  spec: PreprocessSpec,
): { data: Float32Array; geometry: SquareGeometry } {
  if (gray8.length !== width * height) {
    throw new RangeError(`toModelInput: ${gray8.length} pixels for ${width}×${height}`);
  }
  const geometry = squareGeometry(width, height);
  const data = resampleSquare(
    gray8,
    width,
    height,
    geometry.side,
    geometry.offsetX,
    geometry.offsetY,
    spec.size,
  );
  const a = 1 / (255 * spec.std);
  const b = spec.mean / spec.std;
  for (let i = 0; i < data.length; i++) data[i] = data[i] * a - b;
  return { data, geometry };
}

/**
 * Maps a size×size model-resolution mask or label map back onto the original image with
 * nearest-neighbour sampling (labels stay labels; no new values appear), cropping the padding.
 */
export function maskToOriginal(mask: Uint8Array, size: number, g: SquareGeometry): Uint8Array {
  if (mask.length !== size * size) throw new RangeError(`maskToOriginal: ${mask.length} values for ${size}²`);
  const out = new Uint8Array(g.width * g.height);
  const f = size / g.side;
  const cols = new Int32Array(g.width);
  for (let x = 0; x < g.width; x++) cols[x] = Math.min(size - 1, Math.floor((x + g.offsetX + 0.5) * f));
  for (let y = 0; y < g.height; y++) {
    const my = Math.min(size - 1, Math.floor((y + g.offsetY + 0.5) * f));
    const mrow = my * size;
    const orow = y * g.width;
    for (let x = 0; x < g.width; x++) out[orow + x] = mask[mrow + cols[x]];
  }
  return out;
}

/**
 * Resizes an 8-bit raster: 'bilinear' (Pillow antialiased semantics, rounded) for images,
 * 'nearest' for masks and label maps.
 */
export function resizeGray(
  src: Uint8Array,
  width: number,
  height: number,
  dw: number,
  dh: number,
  mode: 'bilinear' | 'nearest' = 'bilinear',
): Uint8Array {
  const out = new Uint8Array(dw * dh);
  if (mode === 'nearest') {
    for (let y = 0; y < dh; y++) {
      const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / dh));
      for (let x = 0; x < dw; x++) {
        out[y * dw + x] = src[sy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / dw))];
      }
    }
    return out;
  }
  const f = resample(src, width, height, dw, dh);
  for (let i = 0; i < f.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(f[i])));
  return out;
}
