/**
 * The segmenter's doubt, per pixel, for the viewer's uncertainty overlay: binary entropy of the
 * probability map, brought to the image's own geometry like the mask itself (bilinear resize of
 * the probabilities to the padded square, padding cropped), so overlay and mask line up 1:1.
 */
import { resizeGray, type SquareGeometry } from '../imaging/index.ts';
import type { MaskStats } from './types.ts';
import { maskStats } from './uncertainty.ts';

/** Entropy in bits × 255 for each probability byte (0 and 255 are certain, 128 is a coin toss). */
const ENTROPY_LUT = Uint8Array.from({ length: 256 }, (_, v) => {
  const p = v / 255;
  if (p <= 0 || p >= 1) return 0;
  return Math.round(255 * -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p)));
});

/** Probability map (0–255, size × size) → entropy map (0–255) at the original width × height. */
export function entropyMap(prob: Uint8Array, size: number, g: SquareGeometry): Uint8Array {
  if (prob.length !== size * size)
    throw new Error(`entropyMap: probability map has ${prob.length} values, expected ${size}×${size}`);
  const sq = resizeGray(prob, size, size, g.side, g.side, 'bilinear');
  const out = new Uint8Array(g.width * g.height);
  for (let y = 0; y < g.height; y++) {
    const row = (y + g.offsetY) * g.side + g.offsetX;
    for (let x = 0; x < g.width; x++) out[y * g.width + x] = ENTROPY_LUT[sq[row + x]];
  }
  return out;
}

/** MaskStats of a probability map stored as bytes (what the segmenter's prediction returns). */
export function statsOfProbBytes(prob: Uint8Array, size: number): MaskStats {
  return maskStats(
    Float32Array.from(prob, (v) => v / 255),
    size,
    size,
  );
}
