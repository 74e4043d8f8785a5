/**
 * Exact L2 logistic regression (Newton / IRLS) and its helpers, in plain TS: deterministic, no
 * TF.js start-up cost, a few ms per fit. The product's linear head (exact-linear.ts) and the
 * label-savings simulation both fit through `fitLogReg`, thousands of times per run.
 */

/** In-place Cholesky factor of a symmetric positive definite A (d × d, row-major): L in the lower triangle. */
export function cholesky(a: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
    if (s <= 0) throw new Error('cholesky: matrix is not positive definite');
    const l = Math.sqrt(s);
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      for (let k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = t / l;
    }
  }
  return a;
}

/** Solves A x = b for symmetric positive definite A (d × d, row-major) by Cholesky; A is overwritten. */
export function cholSolve(a: Float64Array, b: Float64Array, d: number): Float64Array {
  cholesky(a, d);
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let t = b[i];
    for (let k = 0; k < i; k++) t -= a[i * d + k] * y[k];
    y[i] = t / a[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let t = y[i];
    for (let k = i + 1; k < d; k++) t -= a[k * d + i] * x[k];
    x[i] = t / a[i * d + i];
  }
  return x;
}

/** Per-column mean and standard deviation (computed on the unlabelled pool: no label leaks). */
export function standardizer(x: Float32Array, dim: number): { mean: Float64Array; inv: Float64Array } {
  const n = x.length / dim;
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dim; j++) {
      const v = x[i * dim + j];
      mean[j] += v;
      sq[j] += v * v;
    }
  const inv = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    mean[j] /= n;
    const v = sq[j] / n - mean[j] * mean[j];
    inv[j] = v > 1e-12 ? 1 / Math.sqrt(v) : 0;
  }
  return { mean, inv };
}

export interface LogReg {
  /** Weights over standardized features, bias last. */
  w: Float64Array;
  mean: Float64Array;
  inv: Float64Array;
  dim: number;
}

/**
 * L2-regularised binary logistic regression by Newton's method (IRLS); the bias is not
 * penalised. `warm` restarts from a previous fit, so a round with ten more labels takes 2–3 steps.
 * `weights` (one per row, default 1) scale each row's loss, e.g. to balance the classes.
 */
export function fitLogReg(
  x: Float32Array,
  dim: number,
  rows: readonly number[],
  y: ArrayLike<number>,
  std: { mean: Float64Array; inv: Float64Array },
  lambda = 1,
  warm?: Float64Array,
  weights?: ArrayLike<number>,
): LogReg {
  const d = dim + 1;
  const wt = (i: number) => (weights ? weights[i] : 1);
  const z = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) z[i * d + j] = (x[r * dim + j] - std.mean[j]) * std.inv[j];
    z[i * d + dim] = 1;
  });
  const w = warm ? Float64Array.from(warm) : new Float64Array(d);
  // Columns past a row's last non-zero feature add nothing: skipping them is exact, and the
  // Gram-space rows of the linear head (a triangular factor) are half zeros, which makes every
  // Newton step there about three times cheaper.
  const last = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let j = dim - 1;
    while (j >= 0 && z[i * d + j] === 0) j--;
    last[i] = j;
  }
  const dot = (i: number, v: Float64Array): number => {
    const o = i * d;
    let s = v[dim];
    for (let j = 0; j <= last[i]; j++) s += z[o + j] * v[j];
    return s;
  };
  /** Penalised negative log-likelihood, with a stable softplus. */
  const objective = (v: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < rows.length; i++) {
      const s = dot(i, v);
      const m = y[i] === 1 ? -s : s;
      f += wt(i) * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
    }
    for (let j = 0; j < dim; j++) f += 0.5 * lambda * v[j] * v[j];
    return f;
  };
  for (let it = 0; it < 50; it++) {
    const h = new Float64Array(d * d);
    const g = new Float64Array(d);
    for (let i = 0; i < rows.length; i++) {
      const o = i * d;
      const p = 1 / (1 + Math.exp(-dot(i, w)));
      const e = wt(i) * (p - y[i]);
      const c = wt(i) * Math.max(p * (1 - p), 1e-9);
      const lim = last[i];
      for (let j = 0; j <= lim; j++) {
        const zj = z[o + j];
        g[j] += e * zj;
        const cz = c * zj;
        for (let k = 0; k <= j; k++) h[j * d + k] += cz * z[o + k];
      }
      // The bias column (always 1): its gradient, its diagonal and its row of the Hessian.
      g[dim] += e;
      h[dim * d + dim] += c;
      for (let k = 0; k <= lim; k++) h[dim * d + k] += c * z[o + k];
    }
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) h[k * d + j] = h[j * d + k];
      if (j < dim) {
        h[j * d + j] += lambda;
        g[j] += lambda * w[j];
      } else h[j * d + j] += 1e-6;
    }
    const step = cholSolve(h, g, d);
    // Damped Newton: halve the step until the penalised loss decreases (Armijo), so a warm
    // start far from the new optimum cannot overshoot into saturated, non-finite weights.
    const f0 = objective(w);
    let slope = 0;
    for (let j = 0; j < d; j++) slope += g[j] * step[j];
    let t = 1;
    const trial = new Float64Array(d);
    for (let k = 0; k < 40; k++, t /= 2) {
      for (let j = 0; j < d; j++) trial[j] = w[j] - t * step[j];
      const f1 = objective(trial);
      if (Number.isFinite(f1) && f1 <= f0 - 1e-4 * t * slope) break;
    }
    let change = 0;
    for (let j = 0; j < d; j++) {
      change = Math.max(change, Math.abs(trial[j] - w[j]));
      w[j] = trial[j];
    }
    if (change < 1e-5) break;
  }
  return { w, mean: std.mean, inv: std.inv, dim };
}

/** P(class 1) for every row of x. */
export function predictLogReg(m: LogReg, x: Float32Array): Float32Array {
  const n = x.length / m.dim;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = m.w[m.dim];
    for (let j = 0; j < m.dim; j++) s += (x[i * m.dim + j] - m.mean[j]) * m.inv[j] * m.w[j];
    out[i] = 1 / (1 + Math.exp(-s));
  }
  return out;
}
