import type { FeatureArray, RunControl } from '../model/types.ts';
import { groupedFolds } from '../stats/folds.ts';
import type { ClassifierConfig } from './classifier.ts';
import { buildHead, featureBatcher, standardise } from './classifier.ts';
import { crossValidate, oofAuc } from './cv-linear.ts';
import { design } from './exact-linear.ts';
import { fit, predictLogitsAsync } from './fit.ts';
import { disposeHead } from './heads.ts';
import { groupedSplit, type SplitItem } from './split.ts';
import type { HeadChoice } from './types.ts';

export interface HeadChoiceInput {
  items: SplitItem[];
  /** Pooled features of the linear head and `final` tokens of the attentive head, item order. */
  pooled: FeatureArray[];
  tokens: FeatureArray[];
  folds: number;
  seed: number;
  /** The attentive head's config (layer `final`) and hyper-parameters. */
  attentive: ClassifierConfig;
  hyper: { epochs: number; lr: number; batchSize: number; patience: number; weightDecay: number };
  encoderWeights: string;
}

/**
 * Linear or attentive by patient-grouped k-fold CV on one partition (the linear head's first CV
 * repeat): the linear head picks its penalty inside the same folds; the attentive head trains on
 * each fold's other patients with early stopping on an inner patient split, and scores the fold.
 * The head with the higher out-of-fold AUC wins (ties: linear, the cheaper and exact one).
 */
export async function chooseHeadByCv(inp: HeadChoiceInput, ctl: RunControl = {}): Promise<HeadChoice> {
  const t0 = performance.now();
  const { items, folds, seed } = inp;
  const n = items.length;
  const c = inp.attentive.classes.length;
  const y = items.map((it) => it.label);
  const norm = standardise(inp.pooled);
  const d = norm.mean.length;
  const z = new Float32Array(n * d);
  inp.pooled.forEach((f, i) => {
    for (let j = 0; j < d; j++) z[i * d + j] = (f.data[j] - norm.mean[j]) / norm.std[j];
  });
  const lin = await crossValidate(design(z, n, d), items, c, { folds, repeats: 1, seed }, ctl);
  const fold = groupedFolds(items, folds, seed);
  const oof = new Float64Array(n * c);
  const weights = (ys: number[]) =>
    inp.attentive.classes.map((_, k) => {
      const m = ys.filter((v) => v === k).length;
      return m ? ys.length / (c * m) : 0;
    });
  for (let f = 0; f < folds; f++) {
    ctl.signal?.throwIfAborted();
    const test = items.map((_, i) => i).filter((i) => fold[i] === f);
    const rest = items.map((_, i) => i).filter((i) => fold[i] !== f);
    if (!test.length) continue;
    const inner = groupedSplit(
      rest.map((i) => ({ ...items[i], id: i })),
      0.2,
      seed,
    );
    const trY = inner.train.map((i) => y[i]);
    const head = buildHead(inp.attentive, seed, { encoderWeights: inp.encoderWeights });
    try {
      await fit(
        head,
        { x: featureBatcher(inner.train.map((i) => inp.tokens[i])), y: Int32Array.from(trY) },
        {
          x: featureBatcher(inner.val.map((i) => inp.tokens[i])),
          y: Int32Array.from(inner.val.map((i) => y[i])),
        },
        c,
        { ...inp.hyper, classWeights: weights(trY), seed },
        {},
      );
      const lg = await predictLogitsAsync(head, featureBatcher(test.map((i) => inp.tokens[i])), c);
      test.forEach((i, t) => {
        for (let k = 0; k < c; k++) oof[i * c + k] = lg[t * c + k];
      });
    } finally {
      disposeHead(head);
    }
  }
  const linear = lin.aucs[0];
  const attentive = oofAuc(oof, y, c);
  return {
    method: 'grouped-cv',
    folds,
    linear,
    attentive,
    chosen: attentive > linear ? 'attentive' : 'linear',
    ms: Math.round(performance.now() - t0),
  };
}
