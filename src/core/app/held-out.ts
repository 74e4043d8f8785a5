/**
 * The held-out predictions of a classifier that its curves, trade-off and threshold choice are
 * read from: the out-of-fold predictions of its cross-validation when it has them, else its
 * stored predictions on the validation split of the run. Never its training images.
 */
import type { ModelRow, ProjectStore } from '../store/types.ts';
import { positiveIndex } from '../train/report.ts';

/** Validation image ids of a classifier, recorded by the worker's train job (older projects). */
export const MODEL_VAL_KEY = (modelId: number) => `api.modelVal.${modelId}`;

export interface HeldOut {
  /** Labelled images (of the model's classes) with a held-out prediction. */
  ids: number[];
  probs: Map<number, Record<string, number>>;
  labels: Map<number, string>;
  nPerClass: Record<string, number>;
  positiveClass: string | null;
  evaluatedOn: string;
}

export function heldOutPredictions(store: ProjectStore, r: ModelRow, classes: string[]): HeldOut {
  const cfg = r.config as Record<string, unknown>;
  const valIds =
    (Array.isArray(cfg.valImageIds) ? (cfg.valImageIds as number[]) : null) ??
    store.getSetting<number[]>(MODEL_VAL_KEY(r.id)) ??
    [];
  const labels = new Map(store.getLabels(r.task).map((l) => [l.imageId, l.label]));
  const oof = cfg.outOfFold as { imageIds: number[]; probs: number[][] } | undefined;
  const probs = oof
    ? new Map(
        oof.imageIds.map((id, i) => [id, Object.fromEntries(classes.map((c, k) => [c, oof.probs[i][k]]))]),
      )
    : new Map(
        store
          .getPredictions(r.id, valIds)
          .filter((p) => p.probs)
          .map((p) => [p.imageId, p.probs!]),
      );
  const ids = (oof ? oof.imageIds : valIds).filter(
    (id) => classes.includes(labels.get(id) ?? '') && probs.has(id),
  );
  const nPerClass = Object.fromEntries(
    classes.map((c) => [c, ids.filter((id) => labels.get(id) === c).length]),
  );
  const pos = positiveIndex(classes);
  return {
    ids,
    probs,
    labels,
    nPerClass,
    positiveClass: pos === null ? null : classes[pos],
    evaluatedOn: oof
      ? 'out-of-fold predictions of the cross-validation at training'
      : 'validation split of the training run',
  };
}
