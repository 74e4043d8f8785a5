import { cholesky, fitLogReg } from '../stats/logreg.ts';

/**
 * The linear head as the exact solution of an L2 logistic regression (one binary model for two
 * classes, one-vs-rest for more), fitted by `fitLogReg`'s Newton steps on standardised features.
 *
 * With fewer training rows than feature columns (every small label set) the fit runs in the
 * rows' own span: the L2 solution w = Zᵀβ lies there, and with the Gram factor G = Z Zᵀ = L Lᵀ
 * the problem over c = Lᵀβ has features L (n × n) and the same penalty ‖w‖² = ‖c‖². So a
 * 50-label fit on 384 or 1,152 columns costs a 50-dimensional Newton solve, and all CV folds
 * share one Gram matrix.
 */
export interface Design {
  /** Standardised features, row-major [n × d]. */
  z: Float32Array;
  n: number;
  d: number;
  /** Z Zᵀ [n × n], computed on first use. */
  gram?: Float64Array;
}

export function design(z: Float32Array, n: number, d: number): Design {
  return { z, n, d };
}

function gramOf(x: Design): Float64Array {
  if (x.gram) return x.gram;
  const { z, n, d } = x;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += z[i * d + k] * z[j * d + k];
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
  x.gram = g;
  return g;
}

/** Weights over standardised features and the bias of one binary model. */
export interface BinaryFit {
  w: Float64Array;
  b: number;
}

/**
 * Solver state for one set of training rows, reused across penalties (warm starts) and classes.
 * `fit(y, lambda)` minimises Σ logloss + ½ λ ‖w‖² (bias not penalised).
 */
export function solver(
  x: Design,
  rows: readonly number[],
  balanced = true,
): { fit(y: ArrayLike<number>, lambda: number): BinaryFit } {
  const m = rows.length;
  // Each class carries half the total weight: the intercept then no longer follows the class
  // mix of each CV fold, which made pooled out-of-fold scores incomparable at tiny n.
  const weightsOf = (y: ArrayLike<number>) => {
    if (!balanced) return undefined;
    let pos = 0;
    for (let i = 0; i < y.length; i++) pos += y[i];
    const wp = pos ? y.length / (2 * pos) : 0;
    const wn = pos < y.length ? y.length / (2 * (y.length - pos)) : 0;
    return Float64Array.from(y as ArrayLike<number>, (v) => (v ? wp : wn));
  };
  const idx = Array.from({ length: m }, (_, i) => i);
  const warm = new Map<string, Float64Array>();
  if (m > x.d) {
    const id = { mean: new Float64Array(x.d), inv: new Float64Array(x.d).fill(1) };
    return {
      fit(y, lambda) {
        const key = Array.from(y).join('');
        const r = fitLogReg(x.z, x.d, rows, y, id, lambda, warm.get(key), weightsOf(y));
        warm.set(key, r.w);
        return { w: r.w.slice(0, x.d), b: r.w[x.d] };
      },
    };
  }
  const g = gramOf(x);
  const a = new Float64Array(m * m);
  let trace = 0;
  for (let i = 0; i < m; i++) trace += g[rows[i] * x.n + rows[i]];
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i * m + j] = g[rows[i] * x.n + rows[j]];
  // A tiny ridge keeps the factor defined for duplicate or collinear rows; it changes no score.
  for (let i = 0; i < m; i++) a[i * m + i] += 1e-9 * (trace / m) + 1e-12;
  cholesky(a, m);
  const l = new Float32Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) l[i * m + j] = a[i * m + j];
  const id = { mean: new Float64Array(m), inv: new Float64Array(m).fill(1) };
  return {
    fit(y, lambda) {
      const key = Array.from(y).join('');
      const r = fitLogReg(l, m, idx, y, id, lambda, warm.get(key), weightsOf(y));
      warm.set(key, r.w);
      // β = L⁻ᵀ c, then w = Σ βᵢ zᵢ over the training rows.
      const beta = new Float64Array(m);
      for (let i = m - 1; i >= 0; i--) {
        let t = r.w[i];
        for (let k = i + 1; k < m; k++) t -= a[k * m + i] * beta[k];
        beta[i] = t / a[i * m + i];
      }
      const w = new Float64Array(x.d);
      for (let i = 0; i < m; i++) {
        const o = rows[i] * x.d;
        const bi = beta[i];
        for (let k = 0; k < x.d; k++) w[k] += bi * x.z[o + k];
      }
      return { w, b: r.w[m] };
    },
  };
}

/** Logit of every class for a set of rows: two classes → [0, s]; more → one-vs-rest scores. */
export interface LinearModel {
  /** [d × C] weights (the TF.js linear head's layout) and [C] biases, over standardised features. */
  weight: Float64Array;
  bias: Float64Array;
  classes: number;
}

/** Fits the head for `classes` labels (0..C−1) on `rows` of the design at penalty `lambda`. */
export function fitExact(
  x: Design,
  rows: readonly number[],
  labels: ArrayLike<number>,
  classes: number,
  lambda: number,
  s = solver(x, rows),
): LinearModel {
  const weight = new Float64Array(x.d * classes);
  const bias = new Float64Array(classes);
  const targets = classes === 2 ? [1] : Array.from({ length: classes }, (_, c) => c);
  for (const c of targets) {
    const y = rows.map((r) => (labels[r] === c ? 1 : 0));
    const f = s.fit(y, lambda);
    for (let k = 0; k < x.d; k++) weight[k * classes + c] = f.w[k];
    bias[c] = f.b;
  }
  return { weight, bias, classes };
}

/** Logits [rows × C] of a fitted model. */
export function linearLogits(x: Design, rows: readonly number[], m: LinearModel): Float64Array {
  const c = m.classes;
  const out = new Float64Array(rows.length * c);
  rows.forEach((r, i) => {
    for (let k = 0; k < c; k++) {
      let s = m.bias[k];
      for (let j = 0; j < x.d; j++) s += x.z[r * x.d + j] * m.weight[j * c + k];
      out[i * c + k] = s;
    }
  });
  return out;
}
