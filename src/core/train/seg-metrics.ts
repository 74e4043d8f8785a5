/** Mask overlap and boundary metrics on binary rasters (non-zero = inside). */

export interface MaskMetrics {
  dice: number;
  iou: number;
  /** 95th percentile of symmetric boundary distances, in pixels (NaN if a mask is empty). */
  hd95: number;
}

export function dice(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    sa += x;
    sb += y;
  }
  return sa + sb === 0 ? 1 : (2 * inter) / (sa + sb);
}

export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union === 0 ? 1 : inter / union;
}

/** Inside pixels with at least one 4-neighbour outside (or on the image edge). */
export function boundary(m: Uint8Array, w: number, h: number): Int32Array {
  const pts: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!m[i]) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === w - 1 ||
        y === h - 1 ||
        !m[i - 1] ||
        !m[i + 1] ||
        !m[i - w] ||
        !m[i + w]
      )
        pts.push(i);
    }
  }
  return Int32Array.from(pts);
}

/**
 * Exact squared Euclidean distance transform to the nearest set pixel (Felzenszwalb–Huttenlocher,
 * separable, O(w·h)).
 */
export function distanceToSet(set: Int32Array, w: number, h: number): Float64Array {
  const INF = 1e20;
  const f = new Float64Array(w * h).fill(INF);
  for (const i of set) f[i] = 0;
  const line = (get: (k: number) => number, put: (k: number, v: number) => void, n: number) => {
    const v = new Int32Array(n);
    const z = new Float64Array(n + 1);
    const g = new Float64Array(n);
    for (let q = 0; q < n; q++) g[q] = get(q);
    let k = 0;
    v[0] = 0;
    z[0] = -INF;
    z[1] = INF;
    for (let q = 1; q < n; q++) {
      let s = (g[q] + q * q - (g[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      while (s <= z[k]) {
        k--;
        s = (g[q] + q * q - (g[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = INF;
    }
    k = 0;
    for (let q = 0; q < n; q++) {
      while (z[k + 1] < q) k++;
      put(q, (q - v[k]) * (q - v[k]) + g[v[k]]);
    }
  };
  for (let x = 0; x < w; x++)
    line(
      (y) => f[y * w + x],
      (y, val) => {
        f[y * w + x] = val;
      },
      h,
    );
  for (let y = 0; y < h; y++)
    line(
      (x) => f[y * w + x],
      (x, val) => {
        f[y * w + x] = val;
      },
      w,
    );
  return f;
}

/** 95th-percentile symmetric Hausdorff distance between the boundaries of two masks, pixels. */
export function hd95(a: Uint8Array, b: Uint8Array, w: number, h: number): number {
  const ba = boundary(a, w, h);
  const bb = boundary(b, w, h);
  if (!ba.length || !bb.length) return ba.length === bb.length ? 0 : Number.NaN;
  const da = distanceToSet(bb, w, h);
  const db = distanceToSet(ba, w, h);
  const d: number[] = [];
  for (const i of ba) d.push(Math.sqrt(da[i]));
  for (const i of bb) d.push(Math.sqrt(db[i]));
  d.sort((x, y) => x - y);
  return d[Math.min(d.length - 1, Math.ceil(0.95 * d.length) - 1)];
}

export function maskMetrics(pred: Uint8Array, truth: Uint8Array, w: number, h: number): MaskMetrics {
  if (pred.length !== w * h || truth.length !== w * h) throw new Error(`mask sizes differ from ${w}×${h}`);
  return { dice: dice(pred, truth), iou: iou(pred, truth), hd95: hd95(pred, truth, w, h) };
}
