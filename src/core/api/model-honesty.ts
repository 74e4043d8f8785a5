/**
 * The model view's honesty panel: warnings stored with the model at training, n per class and the
 * threshold trade-off on the same held-out images as the curves, the training estimate, and the
 * share of project images that look unlike the training data (from the last prediction pass).
 */

import type { ProjectSession } from '../app/session.ts';
import { tradeoff } from '../eval/operating.ts';
import { OOD_KEY, type StoredOod } from '../eval/project-ood.ts';
import type { EvalWarning } from '../eval/types.ts';
import { positiveIndex } from '../train/report.ts';
import { MODEL_VAL_KEY } from './model-report.ts';
import type { ModelHonesty } from './schemas/honesty.ts';

type Row = NonNullable<ReturnType<ProjectSession['store']['getModel']>>;

const nn = (x: number) => (Number.isFinite(x) ? x : null);

export function modelHonesty(s: ProjectSession, r: Row, classes: string[]): ModelHonesty | undefined {
  if (r.kind !== 'classify') return undefined;
  const cfg = r.config as Record<string, unknown>;
  const metrics = r.metrics as { warnings?: EvalWarning[]; estimate?: ModelHonesty['estimate'] };
  const valIds =
    (Array.isArray(cfg.valImageIds) ? (cfg.valImageIds as number[]) : null) ??
    s.store.getSetting<number[]>(MODEL_VAL_KEY(r.id)) ??
    [];
  const labels = new Map(s.store.getLabels().map((l) => [l.imageId, l.label]));
  const oof = cfg.outOfFold as { imageIds: number[]; probs: number[][] } | undefined;
  // Same images as the curves: out-of-fold predictions of cross-validation, else the split.
  const preds = oof
    ? new Map(
        oof.imageIds.map((id, i) => [id, Object.fromEntries(classes.map((c, k) => [c, oof.probs[i][k]]))]),
      )
    : new Map(
        s.store
          .getPredictions(r.id, valIds)
          .filter((p) => p.probs)
          .map((p) => [p.imageId, p.probs!]),
      );
  const rows = (oof ? oof.imageIds : valIds).filter(
    (id) => classes.includes(labels.get(id) ?? '') && preds.has(id),
  );
  const nPerClass = Object.fromEntries(
    classes.map((c) => [c, rows.filter((id) => labels.get(id) === c).length]),
  );
  const pos = positiveIndex(classes);
  const table =
    pos === null || !rows.length
      ? []
      : tradeoff(
          rows.map((id) => preds.get(id)![classes[pos]] ?? 0),
          rows.map((id) => labels.get(id) === classes[pos]),
          41,
        ).map((t) => ({
          ...t,
          sensitivity: nn(t.sensitivity),
          specificity: nn(t.specificity),
          ppv: nn(t.ppv),
          npv: nn(t.npv),
        }));
  const ood = s.store.getSetting<StoredOod>(OOD_KEY(r.id))?.summary;
  const enc = cfg.encoder as { id?: string; name?: string } | undefined;
  return {
    warnings: (metrics.warnings ?? []).map((w) => ({ code: w.code, message: w.message })),
    nPerClass,
    estimate: metrics.estimate ?? null,
    positiveClass: pos === null ? null : classes[pos],
    threshold: typeof cfg.threshold === 'number' ? cfg.threshold : null,
    tradeoff: table,
    ood: ood ? { flagged: ood.flagged, n: ood.n, share: ood.share, shifted: ood.shifted } : null,
    encoder: enc?.id ? { id: enc.id, name: enc.name ?? '' } : null,
  };
}
