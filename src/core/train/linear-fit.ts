import type { RunControl } from '../model/types.ts';
import type { EpochRecord, FitOptions } from './fit.ts';

/**
 * Full-batch softmax regression with Adam, for the linear probe, in plain typed-array loops.
 * Measured on the 2-core machine (docs/BENCHMARKS.md): a 1,000 × 384 problem is dominated by
 * TF.js's per-op overhead (~10 ms CPU per epoch on wasm), while these loops take ~1–2 ms; this
 * is what keeps retraining after a new label interactive. Same loss as `fit` (class-weighted
 * cross-entropy + L2 on the weight matrix), same early stopping, weights in the same layout
 * ([D, C] + [C]) so the TF.js head scores them.
 */
export async function fitLinear(
  x: Float32Array[],
  y: Int32Array,
  xv: Float32Array[],
  yv: Int32Array,
  classes: number,
  mean: Float32Array,
  std: Float32Array,
  o: FitOptions,
  ctl: RunControl = {},
): Promise<{ weight: Float32Array; bias: Float32Array; history: EpochRecord[] }> {
  const d = mean.length;
  const c = classes;
  const norm = (rows: Float32Array[]) =>
    rows.map((r) => {
      const z = new Float64Array(d);
      for (let j = 0; j < d; j++) z[j] = (r[j] - mean[j]) / std[j];
      return z;
    });
  const X = norm(x);
  const XV = norm(xv);
  const W = new Float64Array(d * c);
  const B = new Float64Array(c);
  const mW = new Float64Array(d * c);
  const vW = new Float64Array(d * c);
  const mB = new Float64Array(c);
  const vB = new Float64Array(c);
  const cw = o.classWeights;
  const logits = new Float64Array(c);
  const loss = (rows: Float64Array[], labels: Int32Array, gW?: Float64Array, gB?: Float64Array): number => {
    let sum = 0;
    let wsum = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      let m = -Infinity;
      for (let k = 0; k < c; k++) {
        let s = B[k];
        for (let j = 0; j < d; j++) s += r[j] * W[j * c + k];
        logits[k] = s;
        m = Math.max(m, s);
      }
      let z = 0;
      for (let k = 0; k < c; k++) z += Math.exp(logits[k] - m);
      const w = cw[labels[i]];
      sum -= w * (logits[labels[i]] - m - Math.log(z));
      wsum += w;
      if (gW && gB) {
        for (let k = 0; k < c; k++) {
          const g = w * (Math.exp(logits[k] - m) / z - (k === labels[i] ? 1 : 0));
          gB[k] += g;
          for (let j = 0; j < d; j++) gW[j * c + k] += g * r[j];
        }
      }
    }
    if (gW && gB) {
      for (let q = 0; q < gW.length; q++) gW[q] = gW[q] / wsum + 2 * o.weightDecay * W[q];
      for (let k = 0; k < c; k++) gB[k] /= wsum;
    }
    return wsum ? sum / wsum : Number.NaN;
  };
  const b1 = 0.9;
  const b2 = 0.999;
  const history: EpochRecord[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let bestW = W.slice();
  let bestB = B.slice();
  let lastYield = performance.now();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    ctl.signal?.throwIfAborted();
    const t0 = performance.now();
    const gW = new Float64Array(d * c);
    const gB = new Float64Array(c);
    const tl = loss(X, y, gW, gB);
    const lr = (o.lr * Math.sqrt(1 - b2 ** (epoch + 1))) / (1 - b1 ** (epoch + 1));
    for (let q = 0; q < W.length; q++) {
      mW[q] = b1 * mW[q] + (1 - b1) * gW[q];
      vW[q] = b2 * vW[q] + (1 - b2) * gW[q] * gW[q];
      W[q] -= (lr * mW[q]) / (Math.sqrt(vW[q]) + 1e-8);
    }
    for (let k = 0; k < c; k++) {
      mB[k] = b1 * mB[k] + (1 - b1) * gB[k];
      vB[k] = b2 * vB[k] + (1 - b2) * gB[k] * gB[k];
      B[k] -= (lr * mB[k]) / (Math.sqrt(vB[k]) + 1e-8);
    }
    const vl = XV.length ? loss(XV, yv) : Number.NaN;
    history.push({ epoch, trainLoss: tl, valLoss: vl, ms: performance.now() - t0 });
    ctl.onProgress?.({
      phase: 'train',
      done: epoch + 1,
      total: o.epochs,
      trainLoss: tl,
      valLoss: vl,
    });
    if (Number.isNaN(vl) || vl < best) {
      if (!Number.isNaN(vl)) best = vl;
      bestEpoch = epoch;
      bestW = W.slice();
      bestB = B.slice();
    } else if (epoch - bestEpoch >= o.patience) break;
    if (performance.now() - lastYield > 30) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = performance.now();
    }
  }
  return { weight: Float32Array.from(bestW), bias: Float32Array.from(bestB), history };
}
