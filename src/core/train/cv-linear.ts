import type { RunControl } from '../model/types.ts';
import { groupedFolds } from '../stats/folds.ts';
import { auc } from '../stats/metrics.ts';
import { type Design, fitExact, linearLogits, solver } from './exact-linear.ts';
import type { SplitItem } from './split.ts';

/** Penalties tried (λ of Σ logloss + ½ λ‖w‖², standardised features): 1/λ is scikit-learn's C. */
export const LAMBDAS = [1000, 300, 100, 30, 10, 3, 1, 0.3, 0.1];

export interface CvResult {
  /** The penalty with the best mean out-of-fold AUC (ties: the stronger penalty). */
  lambda: number;
  /** Mean out-of-fold AUC of every penalty, in LAMBDAS order. */
  scores: number[];
  /** Out-of-fold logits at the chosen penalty, one [n × C] array per repeat. */
  oof: Float64Array[];
  /** Out-of-fold AUC of each repeat at the chosen penalty. */
  aucs: number[];
  folds: number;
  repeats: number;
}

/**
 * Repeated patient-grouped k-fold cross-validation of the exact linear head over a grid of
 * penalties. Every image is scored once per repeat by a model that never saw its patient; the
 * penalty is the one whose out-of-fold predictions rank best. `rows` of the design may carry
 * extra training-only rows (flipped views): `aux[i]` lists the extra rows of item i, which join
 * its fold's training set and never its test set.
 */
export async function crossValidate(
  x: Design,
  items: SplitItem[],
  classes: number,
  opts: {
    folds: number;
    repeats: number;
    seed: number;
    lambdas?: number[];
    aux?: number[][];
    tta?: number[];
    balanced?: boolean;
  },
  ctl: RunControl = {},
): Promise<CvResult> {
  const lambdas = opts.lambdas ?? LAMBDAS;
  const n = items.length;
  const labels = new Int32Array(x.n);
  items.forEach((it, i) => {
    labels[i] = it.label;
    for (const a of opts.aux?.[i] ?? []) labels[a] = it.label;
  });
  const perLambda = lambdas.map(() => [] as Float64Array[]);
  for (let r = 0; r < opts.repeats; r++) {
    const fold = groupedFolds(items, opts.folds, opts.seed + 7919 * r);
    const oof = lambdas.map(() => new Float64Array(n * classes));
    for (let f = 0; f < opts.folds; f++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < n; i++) {
        if (fold[i] === f) test.push(i);
        else {
          train.push(i);
          for (const a of opts.aux?.[i] ?? []) train.push(a);
        }
      }
      if (!test.length) continue;
      // One fold is one unit of progress; yielding here keeps a worker responsive and cancellable.
      ctl.signal?.throwIfAborted();
      ctl.onProgress?.({ phase: 'train', done: r * opts.folds + f, total: opts.repeats * opts.folds });
      await new Promise<void>((res) => setImmediate(res));
      const s = solver(x, train, opts.balanced ?? true);
      lambdas.forEach((lambda, li) => {
        const m = fitExact(x, train, labels, classes, lambda, s);
        const lg = linearLogits(x, test, m);
        const flip = opts.tta
          ? linearLogits(
              x,
              test.map((i) => opts.tta![i]),
              m,
            )
          : null;
        test.forEach((i, t) => {
          for (let k = 0; k < classes; k++) {
            const v = lg[t * classes + k];
            oof[li][i * classes + k] = flip ? (v + flip[t * classes + k]) / 2 : v;
          }
        });
      });
    }
    oof.forEach((o, li) => {
      perLambda[li].push(o);
    });
  }
  const y = items.map((it) => it.label);
  const scoreOf = (o: Float64Array) => oofAuc(o, y, classes);
  const aucsPer = perLambda.map((reps) => reps.map(scoreOf));
  const scores = aucsPer.map((a) => a.reduce((s, v) => s + v, 0) / a.length);
  let best = 0;
  scores.forEach((s, i) => {
    if (s > scores[best] + 1e-9) best = i;
  });
  return {
    lambda: lambdas[best],
    scores,
    oof: perLambda[best],
    aucs: aucsPer[best],
    folds: opts.folds,
    repeats: opts.repeats,
  };
}

/** AUC of out-of-fold logits: class 1 for two classes, else the macro one-vs-rest mean. */
export function oofAuc(logits: Float64Array, y: number[], classes: number): number {
  const col = (k: number) =>
    y.map((_, i) => logits[i * classes + k] - (classes === 2 ? logits[i * classes] : 0));
  if (classes === 2)
    return auc(
      col(1),
      y.map((v) => v === 1),
    );
  let s = 0;
  let m = 0;
  for (let k = 0; k < classes; k++) {
    const a = auc(
      col(k),
      y.map((v) => v === k),
    );
    if (!Number.isNaN(a)) {
      s += a;
      m++;
    }
  }
  return m ? s / m : Number.NaN;
}
