/**
 * ROC points, confusion matrix, calibration bins and per-source numbers for the model view,
 * computed from the model's stored predictions against the current human labels on held-out
 * images. The engine stores headline metrics; the curves are derived here so that they always
 * match the predictions the user can inspect image by image.
 */

import { MODEL_VAL_KEY } from '../app/held-out.ts';
import type { ProjectSession } from '../app/session.ts';
import type { ModelDetail } from './contract.ts';
import type { UrlScheme } from './urls.ts';

export { MODEL_VAL_KEY };

type Row = NonNullable<ReturnType<ProjectSession['store']['getModel']>>;
type Curves = Pick<
  ModelDetail,
  'roc' | 'confusion' | 'calibration' | 'perSource' | 'samples' | 'evaluatedOn'
>;

export function rocPoints(scores: number[], positive: boolean[], maxPoints = 101) {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const P = positive.filter(Boolean).length;
  const N = positive.length - P;
  const pts = [{ fpr: 0, tpr: 0, threshold: 1 }];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    if (positive[i]) tp++;
    else {
      fp++;
      auc += P ? tp / P : 0;
    }
    // Ties share one point: emit only where the score changes.
    if (k === order.length - 1 || scores[order[k + 1]] !== scores[i])
      pts.push({ fpr: N ? fp / N : 0, tpr: P ? tp / P : 0, threshold: scores[i] });
  }
  const step = Math.max(1, Math.ceil(pts.length / maxPoints));
  const thinned = pts.filter((_, k) => k % step === 0 || k === pts.length - 1);
  return { auc: N ? auc / N : 0, points: thinned };
}

export function calibrationBins(conf: number[], correct: boolean[], bins = 10) {
  const out = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins;
    const hi = (b + 1) / bins;
    const idx = conf
      .map((_, i) => i)
      .filter((i) => conf[i] >= lo && (conf[i] < hi || (b === bins - 1 && conf[i] <= hi)));
    if (!idx.length) continue;
    out.push({
      lo,
      hi,
      meanConfidence: idx.reduce((a, i) => a + conf[i], 0) / idx.length,
      accuracy: idx.filter((i) => correct[i]).length / idx.length,
      count: idx.length,
    });
  }
  return out;
}

function evaluationSet(s: ProjectSession, r: Row, predicted: Set<number>): { ids: number[]; note: string } {
  const cfg = r.config as Record<string, unknown>;
  const recorded = s.store.getSetting<number[]>(MODEL_VAL_KEY(r.id));
  const val = Array.isArray(cfg.valImageIds) ? (cfg.valImageIds as number[]) : (recorded ?? null);
  if (val?.length)
    return { ids: val.filter((id) => predicted.has(id)), note: 'validation split of this run' };
  const held = s.store
    .listImages({ status: 'active', labelled: true, limit: 1e9 })
    .items.filter((i) => (i.split === 'val' || i.split === 'test') && predicted.has(i.id))
    .map((i) => i.id);
  if (held.length) return { ids: held, note: 'images in the val/test split' };
  const all = s.store
    .getLabels()
    .map((l) => l.imageId)
    .filter((id) => predicted.has(id));
  return { ids: all, note: 'all labelled images with a prediction (includes training images: optimistic)' };
}

export function modelCurves(s: ProjectSession, r: Row, classes: string[], urls: UrlScheme): Curves {
  const metricsPerSource = (r.metrics.perSource ?? {}) as Record<string, Record<string, unknown>>;
  const perSource = Object.entries(metricsPerSource).map(([source, m]) => ({
    source,
    n: typeof m.n === 'number' ? m.n : 0,
    metrics: Object.fromEntries(Object.entries(m).filter(([, v]) => typeof v === 'number')) as Record<
      string,
      number
    >,
  }));
  if (r.kind === 'segment') {
    const perImage = (r.metrics.perImage ?? []) as Array<{ imageId?: number; dice?: number }>;
    const samples = perImage
      .filter((p) => typeof p.imageId === 'number')
      .slice(0, 8)
      .map((p) => ({
        imageId: p.imageId!,
        maskUrl: urls.predictionMask(r.id, p.imageId!),
        dice: p.dice ?? 0,
      }));
    return {
      roc: [],
      confusion: null,
      calibration: [],
      perSource,
      samples,
      evaluatedOn: 'validation split of this run',
    };
  }
  const cfgOf = r.config as { outOfFold?: { imageIds: number[]; probs: number[][] }; classes?: string[] };
  const oof = cfgOf.outOfFold;
  const oofClasses = cfgOf.classes ?? classes;
  // A cross-validated model saw every label: its curves come from the out-of-fold predictions.
  const preds = oof
    ? new Map(
        oof.imageIds.map((id, i) => [id, Object.fromEntries(oofClasses.map((c, k) => [c, oof.probs[i][k]]))]),
      )
    : new Map(
        s.store
          .getPredictions(r.id)
          .filter((p) => p.probs)
          .map((p) => [p.imageId, p.probs!]),
      );
  const labels = new Map(s.store.getLabels().map((l) => [l.imageId, l.label]));
  const { ids, note } = oof
    ? {
        ids: oof.imageIds,
        note: 'out-of-fold predictions of cross-validation (each image scored by a model that never saw its patient)',
      }
    : evaluationSet(s, r, new Set(preds.keys()));
  const cls = classes.length ? classes : [...new Set(ids.map((id) => labels.get(id)!))].sort();
  const rows = ids.filter((id) => cls.includes(labels.get(id) ?? ''));
  const truth = rows.map((id) => cls.indexOf(labels.get(id)!));
  const probs = rows.map((id) => cls.map((c) => preds.get(id)![c] ?? 0));
  const argmax = probs.map((p) => p.indexOf(Math.max(...p)));
  const matrix = cls.map(() => cls.map(() => 0));
  truth.forEach((t, i) => {
    matrix[t][argmax[i]]++;
  });
  // Two classes: one curve for the class that is not 'normal'; more: one-vs-rest per class.
  const posCls = cls.length === 2 ? [cls.findIndex((c) => c !== 'normal')] : cls.map((_, k) => k);
  const roc = posCls.map((k) => ({
    className: cls[k],
    ...rocPoints(
      probs.map((p) => p[k]),
      truth.map((t) => t === k),
    ),
  }));
  const calibration = calibrationBins(
    probs.map((p) => Math.max(...p)),
    argmax.map((a, i) => a === truth[i]),
  );
  return {
    roc: rows.length ? roc : [],
    confusion: rows.length ? { labels: cls, matrix } : null,
    calibration,
    perSource,
    samples: [],
    evaluatedOn: `${note}, ${rows.length} images`,
  };
}
