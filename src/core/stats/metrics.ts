/**
 * Classification metrics on probability scores. Everything is plain arithmetic on arrays so it
 * can be checked by hand in tests; bootstrap resampling uses a seeded PRNG (reproducible CIs).
 */
import { mulberry32 } from '../util/rng.ts';

/**
 * ROC AUC by the Mann–Whitney statistic (ties count one half). NaN without both classes.
 * `positive`: booleans, or 0/1 labels (1 = positive).
 */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[idx[k]]) {
        nPos++;
        rankSum += midRank;
      }
    }
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Percentile bootstrap 95 % CI of the AUC (resampling images, stratified by class). Each
 * resample is a vector of multiplicities swept once over the scores sorted up front, so a
 * resample costs O(n) instead of a sort.
 */
export function aucCI(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  n = 1000,
  seed = 0,
): [number, number] {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < scores.length; i++) (positive[i] ? pos : neg).push(i);
  if (!pos.length || !neg.length) return [Number.NaN, Number.NaN];
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const groupEnd = new Int32Array(order.length); // end (exclusive) of the tie group starting at k
  for (let k = order.length - 1; k >= 0; k--) {
    groupEnd[k] = k + 1 < order.length && scores[order[k + 1]] === scores[order[k]] ? groupEnd[k + 1] : k + 1;
  }
  const rand = mulberry32(seed);
  const w = new Float64Array(scores.length);
  const stats: number[] = [];
  for (let b = 0; b < n; b++) {
    w.fill(0);
    for (const group of [pos, neg])
      for (let i = 0; i < group.length; i++) w[group[Math.floor(rand() * group.length)]]++;
    let negBelow = 0;
    let num = 0;
    for (let k = 0; k < order.length; ) {
      const end = groupEnd[k];
      let pw = 0;
      let nw = 0;
      for (let q = k; q < end; q++) {
        const i = order[q];
        if (positive[i]) pw += w[i];
        else nw += w[i];
      }
      num += pw * (negBelow + 0.5 * nw);
      negBelow += nw;
      k = end;
    }
    stats.push(num / (pos.length * neg.length));
  }
  stats.sort((a, b) => a - b);
  return [quantile(stats, 0.025), quantile(stats, 0.975)];
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  const p = (sorted.length - 1) * q;
  const lo = Math.floor(p);
  const hi = Math.ceil(p);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (p - lo);
}

export interface BinaryAtThreshold {
  threshold: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  sensitivity: number;
  specificity: number;
  precision: number;
  f1: number;
  accuracy: number;
}

/** Confusion counts and derived rates for `score >= threshold` ⇒ positive. */
export function atThreshold(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  threshold: number,
): BinaryAtThreshold {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const p = scores[i] >= threshold;
    if (p && positive[i]) tp++;
    else if (p) fp++;
    else if (positive[i]) fn++;
    else tn++;
  }
  const div = (a: number, b: number) => (b ? a / b : Number.NaN);
  const precision = div(tp, tp + fp);
  const sensitivity = div(tp, tp + fn);
  return {
    threshold,
    tp,
    fp,
    tn,
    fn,
    sensitivity,
    specificity: div(tn, tn + fp),
    precision,
    f1: div(2 * tp, 2 * tp + fp + fn),
    accuracy: div(tp + tn, scores.length),
  };
}

/**
 * The threshold maximising Youden's J (sensitivity + specificity − 1). Candidates are the
 * midpoints between consecutive distinct scores (a cut never sits on a sample); when several
 * maximise J, the median one (the middle of the optimal range, not its edge).
 */
export function youdenThreshold(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const u = [...new Set(Array.from(scores))].sort((a, b) => a - b);
  if (u.length < 2) return u[0] ?? 0.5;
  const cands = u.slice(1).map((v, i) => (u[i] + v) / 2);
  let bestJ = -Infinity;
  let best: number[] = [];
  for (const t of cands) {
    const m = atThreshold(scores, positive, t);
    const j = (m.sensitivity || 0) + (m.specificity || 0) - 1;
    if (j > bestJ + 1e-12) {
      bestJ = j;
      best = [t];
    } else if (Math.abs(j - bestJ) <= 1e-12) best.push(t);
  }
  return best[Math.floor((best.length - 1) / 2)];
}

/**
 * Expected calibration error of the top-label confidence: `bins` equal-width bins,
 * Σ (n_b / n) · |accuracy_b − confidence_b|. `probs[i]` is the probability row of sample i.
 */
export function ece(probs: ArrayLike<number>[], truth: ArrayLike<number>, bins = 15): number {
  const n = probs.length;
  const cnt = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let c = 1; c < probs[i].length; c++) if (probs[i][c] > probs[i][k]) k = c;
    const p = probs[i][k];
    const b = Math.min(bins - 1, Math.floor(p * bins));
    cnt[b]++;
    conf[b] += p;
    acc[b] += k === truth[i] ? 1 : 0;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]) e += (cnt[b] / n) * Math.abs(acc[b] / cnt[b] - conf[b] / cnt[b]);
  return e;
}
