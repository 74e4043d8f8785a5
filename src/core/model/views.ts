import { mulberry32 } from '../util/rng.ts';
import type { ViewId } from './types.ts';

/**
 * Encoder input views. 0 = the canonical input, 1 = its horizontal flip (classification).
 * Views ≥ 2 feed the dense token grid of the segmenter: the input shifted by ± patch/4 in y and
 * x (4 shifts interleave into a 2G × 2G grid at stride patch/2), optionally flipped, optionally
 * after augmentation k (a seeded random affine per image and k, so cached tokens and the mask
 * target warped at training time always agree).
 */
export interface ViewSpec {
  aug: number;
  flip: boolean;
  /** 0..3: bit 1 → +patch/4 in y (else −), bit 0 → +patch/4 in x; null = not shifted. */
  shift: number | null;
}

export function viewSpec(view: ViewId): ViewSpec {
  if (view < 2) return { aug: 0, flip: view === 1, shift: null };
  const v = view - 2;
  return { shift: v & 3, flip: (v & 4) !== 0, aug: v >> 3 };
}

export function viewId(aug: number, flip: boolean, shift: number): ViewId {
  return 2 + shift + (flip ? 4 : 0) + 8 * aug;
}

/** The 4 shifted views that make one dense grid. */
export function denseViews(aug: number, flip: boolean): ViewId[] {
  return [0, 1, 2, 3].map((s) => viewId(aug, flip, s));
}

export function flipSquare<T extends Float32Array | Uint8Array>(x: T, size: number): T {
  const out = new (x.constructor as new (n: number) => T)(x.length);
  for (let y = 0; y < size; y++)
    for (let i = 0; i < size; i++) out[y * size + i] = x[y * size + size - 1 - i];
  return out;
}

function shifted(x: Float32Array, size: number, dy: number, dx: number, fill: number): Float32Array {
  const out = new Float32Array(x.length).fill(fill);
  for (let y = 0; y < size; y++) {
    const sy = y + dy;
    if (sy < 0 || sy >= size) continue;
    for (let i = 0; i < size; i++) {
      const sx = i + dx;
      if (sx >= 0 && sx < size) out[y * size + i] = x[sy * size + sx];
    }
  }
  return out;
}

/** Affine of augmentation k of an image: scale 0.85–1.15, rotation ±7°, shift ±8 %. */
function affineParams(imageId: number, aug: number): number[] {
  const r = mulberry32(imageId * 7919 + aug * 104729 + 17);
  const s = 0.85 + 0.3 * r();
  const a = ((r() * 2 - 1) * 7 * Math.PI) / 180;
  const tx = (r() * 2 - 1) * 0.08;
  const ty = (r() * 2 - 1) * 0.08;
  return [Math.cos(a) / s, -Math.sin(a) / s, tx, Math.sin(a) / s, Math.cos(a) / s, ty];
}

/** Inverse-mapped bilinear warp in normalised coordinates (half-pixel centres), `fill` outside. */
function warp(x: Float32Array, size: number, t: number[], fill: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let y = 0; y < size; y++) {
    const v = (2 * y + 1) / size - 1;
    for (let i = 0; i < size; i++) {
      const u = (2 * i + 1) / size - 1;
      const sx = ((t[0] * u + t[1] * v + t[2] + 1) * size - 1) / 2;
      const sy = ((t[3] * u + t[4] * v + t[5] + 1) * size - 1) / 2;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const at = (yy: number, xx: number) =>
        yy < 0 || yy >= size || xx < 0 || xx >= size ? fill : x[yy * size + xx];
      out[y * size + i] =
        (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) +
        fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
    }
  }
  return out;
}

/** Model input of a view. `fill` is the normalised value of a black pixel (the padding). */
export function viewInput(
  x: Float32Array,
  view: ViewId,
  size: number,
  patch: number,
  imageId: number,
  fill: number,
): Float32Array {
  const s = viewSpec(view);
  const y = augInput(x, size, imageId, s.aug, s.flip, fill);
  if (s.shift !== null) {
    const q = patch / 4;
    return shifted(y, size, s.shift & 2 ? q : -q, s.shift & 1 ? q : -q, fill);
  }
  return y;
}

/** The unshifted input of augmentation `aug` (0 = none), flipped or not. */
export function augInput(
  x: Float32Array,
  size: number,
  imageId: number,
  aug: number,
  flip: boolean,
  fill: number,
): Float32Array {
  const y = aug ? warp(x, size, affineParams(imageId, aug), fill) : x;
  return flip ? flipSquare(y, size) : y;
}

/** The 0/1 mask target (size×size) that goes with augmentation `aug`, flipped or not. */
export function augMask(
  m: Uint8Array,
  size: number,
  imageId: number,
  aug: number,
  flip: boolean,
): Uint8Array {
  let y = m;
  if (aug) {
    const w = warp(Float32Array.from(m), size, affineParams(imageId, aug), 0);
    y = Uint8Array.from(w, (v) => (v >= 0.5 ? 1 : 0));
  }
  return flip ? flipSquare(y, size) : y;
}

/**
 * Interleaves the tokens of the 4 shifted views (each [1+G², D] per level, CLS first) into one
 * channels-last [2G, 2G, L·D] grid: token (i, j) of shift (a, b) lands at (2i + a, 2j + b).
 */
export function denseGrid(byShift: Float32Array[][], grid: number, dim: number): Float32Array {
  const L = byShift[0].length;
  const g2 = 2 * grid;
  const out = new Float32Array(g2 * g2 * L * dim);
  for (let s = 0; s < 4; s++) {
    const a = s >> 1;
    const b = s & 1;
    for (let i = 0; i < grid; i++)
      for (let j = 0; j < grid; j++) {
        const t = 1 + i * grid + j;
        const cell = (2 * i + a) * g2 + 2 * j + b;
        for (let l = 0; l < L; l++)
          out.set(byShift[s][l].subarray(t * dim, (t + 1) * dim), (cell * L + l) * dim);
      }
  }
  return out;
}
