import { softmaxRow } from '../../src/core/train/calibrate.ts';
import { trainLinear } from '../../src/core/train/linear-train.ts';

/**
 * The classifier `spcxr train` fits on a project's labels (the linear head below 1,000 labels:
 * exact L2 logistic regression on standardised pooled3 features, penalty, temperature and
 * threshold chosen by repeated patient-grouped CV), called through the same `trainLinear`, and
 * a scorer that applies it the way a saved model scores: standardise, logits, softmax at the
 * fitted temperature.
 */
export interface ProductHead {
  lambda: number;
  temperature: number;
  /** Out-of-fold AUC the product would show as its estimate. */
  estimate: number | null;
  /** P(class 1) of rows of a row-major feature matrix. */
  score(x: Float32Array, rows: readonly number[]): Float32Array;
}

export async function trainProductHead(
  x: Float32Array,
  dim: number,
  rows: readonly number[],
  y: ArrayLike<number>,
  patients: readonly string[],
  sources: readonly string[],
  seed: number,
): Promise<ProductHead> {
  const r = await trainLinear({
    x: rows.map((i) => ({ shape: [dim], data: x.subarray(i * dim, i * dim + dim) })),
    items: rows.map((i, k) => ({ id: k, group: `p:${patients[i]}`, label: y[i], stratum: sources[i] })),
    sources: rows.map((i) => sources[i]),
    classes: ['normal', 'pneumonia'],
    positive: 1,
    seed,
    valFraction: 0.2,
    all: false,
  });
  const { weight, bias } = r.model;
  const t = r.temperature;
  return {
    lambda: r.lambda,
    temperature: t,
    estimate: r.estimate.auc ?? null,
    score(xs, sel) {
      const out = new Float32Array(sel.length);
      const lg = new Float64Array(2);
      sel.forEach((i, k) => {
        const o = i * dim;
        lg[0] = bias[0];
        lg[1] = bias[1];
        for (let j = 0; j < dim; j++) {
          const z = (xs[o + j] - r.mean[j]) / r.std[j];
          lg[0] += z * weight[j * 2];
          lg[1] += z * weight[j * 2 + 1];
        }
        out[k] = softmaxRow(lg, 0, 2, t)[1];
      });
      return out;
    },
  };
}
