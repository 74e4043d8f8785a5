import { groupedFolds } from '../stats/folds.ts';
import { standardizer } from '../stats/logreg.ts';
import { quantile } from '../stats/metrics.ts';
import { binomialSf } from './stats.ts';
import type { OodCalibration, OodSummary } from './types.ts';

/** Standardised reference rows (training features): what scores are measured against. */
export interface OodReference {
  x: Float32Array;
  dim: number;
  mean: Float64Array;
  inv: Float64Array;
}

export function oodReference(x: Float32Array, dim: number): OodReference {
  const { mean, inv } = standardizer(x, dim);
  return { x: standardiseRows(x, dim, mean, inv), dim, mean, inv };
}

function standardiseRows(x: Float32Array, dim: number, mean: Float64Array, inv: Float64Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % dim;
    out[i] = (x[i] - mean[j]) * inv[j];
  }
  return out;
}

/**
 * Mean Euclidean distance (per √dim) from each query row to its k nearest reference rows, in the
 * reference's standardised space, over the reference rows listed in `refRows`.
 */
function knnScores(
  ref: Float32Array,
  refRows: number[],
  q: Float32Array,
  dim: number,
  k: number,
): Float64Array {
  const nq = q.length / dim;
  const out = new Float64Array(nq);
  const best = new Float64Array(k);
  for (let i = 0; i < nq; i++) {
    best.fill(Infinity);
    const o = i * dim;
    for (const r of refRows) {
      const p = r * dim;
      let s = 0;
      const worst = best[k - 1];
      for (let j = 0; j < dim && s < worst; j++) {
        const d = q[o + j] - ref[p + j];
        s += d * d;
      }
      if (s < worst) {
        let m = k - 1;
        while (m > 0 && best[m - 1] > s) {
          best[m] = best[m - 1];
          m--;
        }
        best[m] = s;
      }
    }
    let sum = 0;
    let cnt = 0;
    for (let m = 0; m < k; m++)
      if (Number.isFinite(best[m])) {
        sum += Math.sqrt(best[m]);
        cnt++;
      }
    out[i] = cnt ? sum / cnt / Math.sqrt(dim) : Number.NaN;
  }
  return out;
}

/**
 * Calibrates the flag threshold on held-out training folds: every training image is scored
 * against the folds it is not in (patient-grouped), and the `quantile` of those in-distribution
 * scores becomes the threshold. Held-out scores use 1 − 1/folds of the reference, so they run
 * slightly high and the flag errs towards silence on in-distribution data.
 */
export function calibrateOod(
  ref: OodReference,
  groups: string[],
  opts: { k?: number; folds?: number; quantile?: number; seed?: number } = {},
): OodCalibration {
  const n = ref.x.length / ref.dim;
  const k = Math.max(1, Math.min(opts.k ?? 5, n - 1));
  const folds = Math.max(2, Math.min(opts.folds ?? 5, new Set(groups).size));
  const q = opts.quantile ?? 0.95;
  const fold = groupedFolds(
    groups.map((group) => ({ group, label: 0 })),
    folds,
    opts.seed ?? 0,
  );
  const scores: number[] = [];
  for (let f = 0; f < folds; f++) {
    const refRows: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (fold[i] === f ? test : refRows).push(i);
    if (!test.length || !refRows.length) continue;
    const qx = new Float32Array(test.length * ref.dim);
    test.forEach((i, t) => {
      qx.set(ref.x.subarray(i * ref.dim, (i + 1) * ref.dim), t * ref.dim);
    });
    scores.push(...knnScores(ref.x, refRows, qx, ref.dim, Math.min(k, refRows.length)));
  }
  scores.sort((a, b) => a - b);
  return { k, quantile: q, threshold: quantile(scores, q), inDistribution: scores, nReference: n };
}

/** OOD scores of new rows (raw features) against the whole reference. */
export function oodScores(ref: OodReference, x: Float32Array, k: number): Float64Array {
  const n = ref.x.length / ref.dim;
  const all = Array.from({ length: n }, (_, i) => i);
  return knnScores(ref.x, all, standardiseRows(x, ref.dim, ref.mean, ref.inv), ref.dim, Math.min(k, n));
}

/** Flagged share and a one-sided binomial test against the calibrated 1 − quantile. */
export function oodSummary(cal: OodCalibration, scores: ArrayLike<number>): OodSummary {
  const n = scores.length;
  let flagged = 0;
  for (let i = 0; i < n; i++) if (scores[i] > cal.threshold) flagged++;
  const expectedShare = 1 - cal.quantile;
  const pValue = binomialSf(flagged, n, expectedShare);
  const share = n ? flagged / n : 0;
  const { inDistribution: _, ...calibration } = cal;
  return {
    calibration,
    n,
    flagged,
    share,
    expectedShare,
    pValue,
    // Both a clear excess over the expected 5 % and more than chance: no alarm from 2 of 10.
    shifted: n > 0 && share >= 2 * expectedShare && pValue < 0.01,
  };
}
