/**
 * The model view's honesty panel: warnings stored with the model at training, n per class and the
 * threshold trade-off on the same held-out images as the curves, the training estimate, and the
 * share of project images that look unlike the training data (from the last prediction pass).
 */

import { heldOutPredictions } from '../app/held-out.ts';
import { thresholdChoiceOf } from '../app/model-threshold.ts';
import type { ProjectSession } from '../app/session.ts';
import { tradeoff } from '../eval/operating.ts';
import { OOD_KEY, type StoredOod } from '../eval/project-ood.ts';
import type { EvalWarning } from '../eval/types.ts';
import type { ModelHonesty } from './schemas/honesty.ts';

type Row = NonNullable<ReturnType<ProjectSession['store']['getModel']>>;

const nn = (x: number) => (Number.isFinite(x) ? x : null);

export function modelHonesty(s: ProjectSession, r: Row, classes: string[]): ModelHonesty | undefined {
  if (r.kind !== 'classify') return undefined;
  const cfg = r.config as Record<string, unknown>;
  const metrics = r.metrics as { warnings?: EvalWarning[]; estimate?: ModelHonesty['estimate'] };
  const h = heldOutPredictions(s.store, r, classes);
  const pos = h.positiveClass;
  const table =
    pos === null || !h.ids.length
      ? []
      : tradeoff(
          h.ids.map((id) => h.probs.get(id)![pos] ?? 0),
          h.ids.map((id) => h.labels.get(id) === pos),
          // Every cut up to 200 labels, so the row a user picks is the threshold the server stores.
          201,
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
    nPerClass: h.nPerClass,
    estimate: metrics.estimate ?? null,
    positiveClass: pos,
    threshold: typeof cfg.threshold === 'number' ? cfg.threshold : null,
    thresholdChoice: thresholdChoiceOf(r),
    tradeoff: table,
    ood: ood ? { flagged: ood.flagged, n: ood.n, share: ood.share, shifted: ood.shifted } : null,
    encoder: enc?.id ? { id: enc.id, name: enc.name ?? '' } : null,
  };
}
