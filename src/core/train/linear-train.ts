import type { Estimate } from '../eval/estimate-contract.ts';
import type { FeatureArray, RunControl } from '../model/types.ts';
import { groupsPerClass } from '../stats/folds.ts';
import { fitTemperature, softmaxRow } from './calibrate.ts';
import { CV_LIMIT, standardise } from './classifier.ts';
import { crossValidate, LAMBDAS, oofAuc } from './cv-linear.ts';
import { buildEstimate } from './estimate.ts';
import { design, fitExact, type LinearModel, linearLogits } from './exact-linear.ts';
import { chooseThreshold, classifierReport } from './report.ts';
import { groupedSplit, type SplitItem } from './split.ts';
import type { ClassifierMetrics } from './types.ts';

export interface LinearTrainInput {
  /** Pooled features of every labelled image (view 0), and optionally their flipped view. */
  x: FeatureArray[];
  flipped?: FeatureArray[];
  items: SplitItem[];
  sources: Array<string | null>;
  classes: string[];
  positive: number | null;
  seed: number;
  valFraction: number;
  /** Fit the final model on every label, also when the estimate comes from a holdout split. */
  all: boolean;
  /** Picks the two-class threshold from calibrated probabilities (Youden's J by default). */
  threshold?: (probs: number[][], y: number[], positive: number) => number;
}

export interface LinearTrainResult {
  model: LinearModel;
  mean: Float32Array;
  std: Float32Array;
  temperature: number;
  threshold: number | null;
  metrics: ClassifierMetrics;
  estimate: Estimate;
  lambda: number;
  folds: number;
  repeats: number;
  trainImages: number;
  valImages: number;
  /** Image ids of the validation split (holdout path; empty for CV). */
  valIds: number[];
  /** CV path: calibrated out-of-fold probabilities of the first repeat, per image id. */
  outOfFold?: { imageIds: number[]; probs: number[][] };
}

/** CV repeats by label count: more where a single partition is noisiest and fits are cheapest. */
export function cvRepeats(n: number): number {
  return n <= 300 ? 5 : n <= 600 ? 3 : 2;
}

/**
 * Trains the linear head as an exact L2 logistic regression. Below CV_LIMIT labels: the penalty,
 * the temperature and the threshold come from repeated patient-grouped CV, the metrics from its
 * out-of-fold predictions, and the final model fits every label. From CV_LIMIT up: one
 * patient-grouped validation split does the same, and the final model fits the training part
 * (or every label with `all`).
 */
export async function trainLinear(inp: LinearTrainInput, ctl: RunControl = {}): Promise<LinearTrainResult> {
  const c = inp.classes.length;
  const n = inp.items.length;
  const rowsIn = inp.flipped ? [...inp.x, ...inp.flipped] : inp.x;
  const norm = standardise(rowsIn);
  const d = norm.mean.length;
  const z = new Float32Array(rowsIn.length * d);
  rowsIn.forEach((f, i) => {
    for (let j = 0; j < d; j++) z[i * d + j] = (f.data[j] - norm.mean[j]) / norm.std[j];
  });
  const x = design(z, rowsIn.length, d);
  const labels = Int32Array.from(rowsIn, (_, i) => inp.items[i % n].label);
  const aux = inp.flipped ? inp.items.map((_, i) => [n + i]) : undefined;
  const withAux = (rows: number[]) => (aux ? [...rows, ...rows.map((r) => aux[r][0])] : rows);
  const y = inp.items.map((it) => it.label);
  const gpc = groupsPerClass(inp.items);
  const present = inp.classes.map((_, k) => k).filter((k) => y.includes(k));
  const kMin = Math.min(...present.map((k) => gpc.get(k) ?? 0));
  const perClass = (idx: number[]) => ({
    images: inp.classes.map((_, k) => idx.filter((i) => y[i] === k).length),
    patients: inp.classes.map(
      (_, k) => new Set(idx.filter((i) => y[i] === k).map((i) => inp.items[i].group)).size,
    ),
  });
  const calibrated = (logits: Float64Array, t: number) =>
    Array.from({ length: logits.length / c }, (_, i) => softmaxRow(logits, i * c, c, t));
  const all = inp.items.map((_, i) => i);
  const choose = inp.threshold ?? chooseThreshold;

  if (n < CV_LIMIT && kMin >= 2) {
    const folds = Math.min(5, kMin);
    const repeats = cvRepeats(n);
    const cv = await crossValidate(x, inp.items, c, { folds, repeats, seed: inp.seed, aux }, ctl);
    const model = fitExact(x, withAux(all), labels, c, cv.lambda);
    const pooled = new Float64Array(repeats * n * c);
    cv.oof.forEach((o, r) => {
      pooled.set(o, r * n * c);
    });
    const yRep = Array.from({ length: repeats * n }, (_, i) => y[i % n]);
    const temperature = fitTemperature(pooled, yRep, c);
    const threshold =
      inp.positive === null ? null : choose(calibrated(pooled, temperature), yRep, inp.positive);
    const oofProbs = calibrated(cv.oof[0], temperature);
    const metrics = classifierReport(oofProbs, y, inp.classes, inp.sources, threshold, inp.seed);
    const pc = perClass(all);
    const estimate = buildEstimate({
      method: 'grouped-cv',
      folds,
      repeats,
      aucs: cv.aucs,
      classes: inp.classes,
      ...pc,
      positive: inp.positive,
    });
    metrics.estimate = estimate;
    return {
      model,
      ...norm,
      temperature,
      threshold,
      metrics,
      estimate,
      lambda: cv.lambda,
      folds,
      repeats,
      trainImages: n,
      valImages: 0,
      valIds: [],
      outOfFold: {
        imageIds: inp.items.map((it) => it.id),
        probs: oofProbs.map((p) => p.map((v) => Number(v.toFixed(5)))),
      },
    };
  }

  const split = groupedSplit(inp.items, inp.valFraction, inp.seed);
  const pos = new Map(inp.items.map((it, i) => [it.id, i]));
  const train = split.train.map((id) => pos.get(id)!);
  const val = split.val.map((id) => pos.get(id)!);
  const yVal = val.map((i) => y[i]);
  let lambda = 10;
  let best = Number.NEGATIVE_INFINITY;
  let chosen: LinearModel | null = null;
  let valLogits: Float64Array = new Float64Array(0);
  if (val.length && new Set(yVal).size >= 2) {
    for (const l of LAMBDAS) {
      ctl.signal?.throwIfAborted();
      const m = fitExact(x, withAux(train), labels, c, l);
      const lg = linearLogits(x, val, m);
      const a = oofAuc(lg, yVal, c);
      if (a > best + 1e-9) {
        best = a;
        lambda = l;
        chosen = m;
        valLogits = lg;
      }
      await new Promise<void>((res) => setImmediate(res));
    }
  }
  chosen ??= fitExact(x, withAux(train), labels, c, lambda);
  const temperature = fitTemperature(valLogits, yVal, c);
  const probs = calibrated(valLogits, temperature);
  const threshold = inp.positive !== null && val.length ? choose(probs, yVal, inp.positive) : null;
  const metrics = classifierReport(
    probs,
    yVal,
    inp.classes,
    val.map((i) => inp.sources[i]),
    threshold,
    inp.seed,
  );
  const estimate = buildEstimate({
    method: Number.isFinite(best) ? 'holdout' : 'none',
    folds: 1,
    repeats: 1,
    aucs: Number.isFinite(best) ? [best] : [],
    classes: inp.classes,
    ...perClass(val),
    positive: inp.positive,
  });
  metrics.estimate = estimate;
  const model = inp.all ? fitExact(x, withAux(all), labels, c, lambda) : chosen;
  return {
    model,
    ...norm,
    temperature,
    threshold,
    metrics,
    estimate,
    lambda,
    folds: 1,
    repeats: 1,
    trainImages: inp.all ? n : train.length,
    valImages: val.length,
    valIds: split.val,
  };
}
