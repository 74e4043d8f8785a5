import { mulberry32 } from '../util/rng.ts';

export interface RocBand {
  /** Empirical ROC: false-positive rate, true-positive rate. */
  points: Array<{ fpr: number; tpr: number }>;
  /** Pointwise 95 % band of the TPR on a fixed FPR grid, from a stratified bootstrap. */
  band: Array<{ fpr: number; lo: number; hi: number }>;
}

function rocCurve(scores: ArrayLike<number>, positive: ArrayLike<boolean>, w?: Float64Array) {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  let N = 0;
  for (let i = 0; i < scores.length; i++) {
    const wi = w ? w[i] : 1;
    if (positive[i]) P += wi;
    else N += wi;
  }
  const pts = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const wi = w ? w[i] : 1;
    if (positive[i]) tp += wi;
    else fp += wi;
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[i])
      pts.push({ fpr: N ? fp / N : 0, tpr: P ? tp / P : 0 });
  }
  return pts;
}

/** TPR of a step ROC at a given FPR (the best TPR reached at or below it). */
function tprAt(pts: Array<{ fpr: number; tpr: number }>, fpr: number): number {
  let t = 0;
  for (const p of pts) if (p.fpr <= fpr + 1e-12) t = Math.max(t, p.tpr);
  return t;
}

/** ROC with a bootstrap band (images resampled within each class, seeded). */
export function rocWithBand(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  resamples = 300,
  seed = 0,
  grid = 51,
): RocBand {
  const points = rocCurve(scores, positive);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < scores.length; i++) (positive[i] ? pos : neg).push(i);
  const fprs = Array.from({ length: grid }, (_, g) => g / (grid - 1));
  if (!pos.length || !neg.length) return { points, band: [] };
  const rand = mulberry32(seed);
  const w = new Float64Array(scores.length);
  const tprs: number[][] = fprs.map(() => []);
  for (let b = 0; b < resamples; b++) {
    w.fill(0);
    for (const g of [pos, neg]) for (let i = 0; i < g.length; i++) w[g[Math.floor(rand() * g.length)]]++;
    const c = rocCurve(scores, positive, w);
    fprs.forEach((f, g) => {
      tprs[g].push(tprAt(c, f));
    });
  }
  const band = fprs.map((fpr, g) => {
    const s = tprs[g].sort((a, b) => a - b);
    return { fpr, lo: s[Math.floor(0.025 * (s.length - 1))], hi: s[Math.ceil(0.975 * (s.length - 1))] };
  });
  return { points, band };
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  meanPredicted: number;
  observed: number;
  count: number;
}

/** Reliability of the positive-class probability: mean predicted vs observed rate per bin. */
export function reliability(p: ArrayLike<number>, positive: ArrayLike<boolean>, bins = 10): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    let n = 0;
    let sp = 0;
    let so = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i] >= lo && (p[i] < hi || (b === bins - 1 && p[i] <= hi))) {
        n++;
        sp += p[i];
        so += positive[i] ? 1 : 0;
      }
    }
    if (n) out.push({ lo, hi, meanPredicted: sp / n, observed: so / n, count: n });
  }
  return out;
}
