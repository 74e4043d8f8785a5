import { atThreshold, auc, aucCI, ece, youdenThreshold } from '../stats/metrics.ts';
import { positiveIndex } from '../stats/positive-class.ts';

export { positiveIndex };

import type { ClassifierMetrics } from './types.ts';

export function chooseThreshold(probs: number[][], truth: number[], pos: number): number {
  return youdenThreshold(
    probs.map((p) => p[pos]),
    truth.map((t) => t === pos),
  );
}

/**
 * The class a model decides for one image: two classes compare the positive class's probability
 * with the model's threshold (training's choice or the user's), more classes take the argmax.
 */
export function decideClass(p: ArrayLike<number>, positive: number | null, threshold: number | null): number {
  if (positive !== null && threshold !== null && p.length === 2)
    return p[positive] >= threshold ? positive : 1 - positive;
  let best = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
  return best;
}

/**
 * The classifier report: accuracy (argmax, or the threshold for two classes), ECE, the binary
 * summary with a bootstrap AUC CI, one-vs-rest per class, and per source.
 */
export function classifierReport(
  probs: number[][],
  truth: number[],
  classes: string[],
  sources: Array<string | null>,
  threshold: number | null,
  seed = 0,
): ClassifierMetrics {
  const pos = positiveIndex(classes);
  const pred = probs.map((p) => decideClass(p, pos, threshold));
  const accuracy = truth.length ? pred.filter((p, i) => p === truth[i]).length / truth.length : Number.NaN;
  const perClass: ClassifierMetrics['perClass'] = {};
  classes.forEach((name, c) => {
    const s = probs.map((p) => p[c]);
    const y = truth.map((t) => t === c);
    const predC = pred.map((p) => (p === c ? 1 : 0));
    const m = atThreshold(predC, y, 0.5);
    perClass[name] = {
      n: y.filter(Boolean).length,
      auc: auc(s, y),
      aucCI: aucCI(s, y, 1000, seed),
      sensitivity: m.sensitivity,
      specificity: m.specificity,
      f1: m.f1,
    };
  });
  const out: ClassifierMetrics = {
    n: truth.length,
    accuracy,
    ece: ece(probs, truth),
    perClass,
    perSource: {},
  };
  if (pos !== null) {
    const t = threshold ?? 0.5;
    const s = probs.map((p) => p[pos]);
    const y = truth.map((v) => v === pos);
    const m = atThreshold(s, y, t);
    out.binary = {
      positiveClass: classes[pos],
      threshold: t,
      auc: auc(s, y),
      aucCI: aucCI(s, y, 1000, seed),
      sensitivity: m.sensitivity,
      specificity: m.specificity,
      f1: m.f1,
      accuracy: m.accuracy,
    };
  }
  const bySource = new Map<string, number[]>();
  sources.forEach((s, i) => {
    const k = s ?? '(none)';
    bySource.set(k, [...(bySource.get(k) ?? []), i]);
  });
  for (const [src, idx] of bySource) {
    const acc = idx.filter((i) => pred[i] === truth[i]).length / idx.length;
    const entry: ClassifierMetrics['perSource'][string] = { n: idx.length, accuracy: acc };
    if (pos !== null) {
      const s = idx.map((i) => probs[i][pos]);
      const y = idx.map((i) => truth[i] === pos);
      entry.auc = auc(s, y);
      entry.aucCI = aucCI(s, y, 500, seed);
    }
    out.perSource[src] = entry;
  }
  return out;
}
