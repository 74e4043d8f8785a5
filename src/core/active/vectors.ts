/** Small numeric helpers shared by the strategies; plain loops over Float32Array for speed. */

import { mulberry32 } from '../util/rng.ts';

/** Deterministic PRNG so that every strategy and simulation is reproducible. */
export const rng = mulberry32;

/** Row-wise L2-normalised copy: distances between SSL embeddings are meaningful as angles. */
export function normalizeRows(x: Float32Array, dim: number): Float32Array {
  const n = x.length / dim;
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[o + j] * x[o + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[o + j] = x[o + j] * inv;
  }
  return out;
}

/** Centre then normalise: removes the common direction all CXR embeddings share. */
export function centerNormalize(x: Float32Array, dim: number): Float32Array {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= Math.max(1, n);
  const c = new Float32Array(x.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) c[i * dim + j] = x[i * dim + j] - mean[j];
  return normalizeRows(c, dim);
}

export function sqDist(x: Float32Array, i: number, y: Float32Array, j: number, dim: number): number {
  const a = i * dim;
  const b = j * dim;
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = x[a + k] - y[b + k];
    s += d * d;
  }
  return s;
}

/**
 * Squared distance from each of `rows` to its nearest of `centers` (Infinity when there are none).
 * O(|rows|·|centers|·dim); this is the hot loop of every diversity strategy.
 */
export function minSqDist(
  x: Float32Array,
  dim: number,
  rows: ArrayLike<number>,
  centers: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(rows.length).fill(Number.POSITIVE_INFINITY);
  for (let c = 0; c < centers.length; c++) updateMinSqDist(x, dim, rows, centers[c], out);
  return out;
}

/** Lowers `best[r]` to the distance from rows[r] to `center` where that is closer. */
export function updateMinSqDist(
  x: Float32Array,
  dim: number,
  rows: ArrayLike<number>,
  center: number,
  best: Float32Array,
): void {
  const b = center * dim;
  for (let r = 0; r < rows.length; r++) {
    const a = rows[r] * dim;
    const lim = best[r];
    let s = 0;
    let k = 0;
    // Early abandoning: stop once the partial sum already exceeds the current minimum (exact;
    // most labelled points are far from most candidates, so most sums stop after 16 dims).
    while (k < dim) {
      const end = Math.min(dim, k + 16);
      for (; k < end; k++) {
        const d = x[a + k] - x[b + k];
        s += d * d;
      }
      if (s >= lim) break;
    }
    if (s < lim) best[r] = s;
  }
}

/** Indices of the `k` largest values (ties broken by lower index), in descending order. */
export function topK(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => values[b] - values[a] || a - b);
  return idx.slice(0, Math.max(0, k));
}

/** Fraction of `values` strictly below `v` (a percentile rank, 0…1). */
export function rankBelow(values: ArrayLike<number>, v: number): number {
  if (values.length === 0) return 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) if (values[i] < v) c++;
  return c / values.length;
}

/** Width the distance-based strategies work in: enough for neighbourhoods, cheap for 5,000 × 1,000 pairs. */
export const DISTANCE_DIMS = 64;

/**
 * Seeded Gaussian random projection to `k` dims (Johnson–Lindenstrauss): distances are kept up
 * to a small distortion while k-means and k-center get `dim / k` times cheaper. Identity if dim ≤ k.
 */
export function project(x: Float32Array, dim: number, k: number, seed = 7): { x: Float32Array; dim: number } {
  if (dim <= k) return { x, dim };
  const r = rng(seed);
  const m = new Float32Array(dim * k);
  const s = 1 / Math.sqrt(k);
  for (let i = 0; i < m.length; i++) {
    const u = Math.max(r(), 1e-12);
    m[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()) * s;
  }
  const n = x.length / dim;
  const out = new Float32Array(n * k);
  const acc = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let j = 0; j < dim; j++) {
      const v = x[i * dim + j];
      if (v === 0) continue;
      const o = j * k;
      for (let c = 0; c < k; c++) acc[c] += v * m[o + c];
    }
    for (let c = 0; c < k; c++) out[i * k + c] = acc[c];
  }
  return { x: out, dim: k };
}

/** Rows of a projected distance space, made available on demand (`ensure`) before reading `x`. */
export interface DistanceSpace {
  readonly x: Float32Array;
  readonly dim: number;
  ensure(rows: Iterable<number>): DistanceSpace;
  all(): DistanceSpace;
}

/** Copies row `i` of a matrix into `out` (as float32), whatever the matrix's storage. */
export type RowReader = (i: number, out: Float32Array) => void;

/**
 * The projected distance space, filled row by row on demand: a hybrid pass past its warm-up only
 * measures distances among ~5·n uncertain candidates, so it projects those rows, not all 5,000.
 * Rows are centred (mean over the whole pool), L2-normalised, then projected to `k` dims. The
 * source is a float32 matrix, or n rows a reader decodes with their mean (the worker's float16
 * matrix).
 */
export class LazySpace implements DistanceSpace {
  /** Dense: row i at i·dim. Compact: rows in the order they were projected, see `at`. */
  x: Float32Array;
  readonly dim: number;
  /** Dense: 1 when projected. Compact: the row's slot + 1 (0 = not projected). */
  private readonly done: Uint8Array | Int32Array;
  private used = 0;
  private readonly mean: Float64Array;
  private readonly proj: Float32Array | null;
  private readonly read: RowReader;
  private readonly row: Float32Array;

  /**
   * `compact` stores only the rows projected so far (a slot each), for a space kept between
   * passes over a large matrix: a pass's sample touches every page of a dense array.
   */
  constructor(
    src: Float32Array | { n: number; read: RowReader; mean: Float64Array },
    private readonly srcDim: number,
    k: number,
    seed = 7,
    private readonly compact = false,
  ) {
    const d = srcDim;
    const n = src instanceof Float32Array ? src.length / d : src.n;
    this.row = new Float32Array(d);
    if (src instanceof Float32Array) {
      this.read = (i, out) => out.set(src.subarray(i * d, (i + 1) * d));
      this.mean = new Float64Array(d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) this.mean[j] += src[i * d + j];
      for (let j = 0; j < d; j++) this.mean[j] /= Math.max(1, n);
    } else {
      this.read = src.read;
      this.mean = src.mean;
    }
    this.dim = Math.min(k, d);
    this.proj = d > k ? gaussian(d, k, seed) : null;
    this.x = new Float32Array((compact ? Math.min(n, 1024) : n) * this.dim);
    this.done = compact ? new Int32Array(n) : new Uint8Array(n);
  }

  /** Offset of row i in `x` (once projected). */
  at(i: number): number {
    return (this.compact ? this.done[i] - 1 : i) * this.dim;
  }

  /** Makes sure the given rows are projected; returns the space for chaining. */
  ensure(rows: Iterable<number>): this {
    const d = this.srcDim;
    const k = this.dim;
    const c = new Float64Array(d);
    const acc = new Float64Array(k);
    const row = this.row;
    for (const i of rows) {
      if (this.done[i]) continue;
      this.done[i] = this.compact ? ++this.used : 1;
      if (this.compact && this.used * k > this.x.length) {
        const grown = new Float32Array(Math.min(this.done.length, this.used * 2) * k);
        grown.set(this.x);
        this.x = grown;
      }
      const o = this.at(i);
      this.read(i, row);
      let s = 0;
      for (let j = 0; j < d; j++) {
        c[j] = row[j] - this.mean[j];
        s += c[j] * c[j];
      }
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      if (!this.proj) {
        for (let j = 0; j < d; j++) this.x[o + j] = c[j] * inv;
        continue;
      }
      acc.fill(0);
      for (let j = 0; j < d; j++) {
        const v = c[j] * inv;
        const o = j * k;
        for (let q = 0; q < k; q++) acc[q] += v * this.proj[o + q];
      }
      for (let q = 0; q < k; q++) this.x[o + q] = acc[q];
    }
    return this;
  }

  all(): this {
    return this.ensure(Array.from({ length: this.done.length }, (_, i) => i));
  }
}

function gaussian(d: number, k: number, seed: number): Float32Array {
  const r = rng(seed);
  const m = new Float32Array(d * k);
  const s = 1 / Math.sqrt(k);
  for (let i = 0; i < m.length; i++) {
    const u = Math.max(r(), 1e-12);
    m[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r()) * s;
  }
  return m;
}
