/**
 * The model registry's threshold use case: a two-class classifier's decision threshold chosen
 * by the user, stored in the model's config with where it came from.
 */
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { describeTarget, operatingPoint } from '../eval/operating.ts';
import { clopperPearsonLower } from '../eval/stats.ts';
import { ThresholdChoice, type ThresholdTarget } from '../eval/threshold-contract.ts';
import { atThreshold } from '../stats/metrics.ts';
import type { ModelRow, ProjectStore } from '../store/types.ts';
import { heldOutPredictions } from './held-out.ts';

const nn = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * Sets a two-class classifier's decision threshold from a target sensitivity or specificity
 * (read on its held-out predictions, like the trade-off the model view shows) or by hand, and
 * records where it came from. `predict`, `eval`, suggestions and later retrains of the task
 * use it (docs/ARCHITECTURE.md, "Operating points").
 */
export function setThreshold(
  store: ProjectStore,
  id: number,
  target: ThresholdTarget,
  via: ThresholdChoice['via'],
): ThresholdChoice {
  const m = store.getModel(id);
  if (!m) throw new NotFoundError(`no model with id ${id}`);
  const cfg = m.config as Record<string, unknown>;
  const classes = Array.isArray(cfg.classes) ? (cfg.classes as string[]) : [];
  if (m.kind !== 'classify' || classes.length !== 2 || typeof cfg.positive !== 'number')
    throw new InvalidInputError(`model ${id}: a threshold applies to a two-class classifier only`);
  const h = heldOutPredictions(store, m, classes);
  const posClass = classes[cfg.positive];
  const scores = h.ids.map((i) => h.probs.get(i)![posClass] ?? 0);
  const positive = h.ids.map((i) => h.labels.get(i) === posClass);
  const hasBoth = positive.some(Boolean) && positive.some((p) => !p);
  let threshold: number;
  let reached = true;
  let rule: string;
  if ('threshold' in target) {
    threshold = target.threshold;
    rule = `threshold ${threshold} set by hand`;
  } else {
    if (!hasBoth)
      throw new InvalidInputError(
        `model ${id}: no held-out predictions of both classes to read a ${'sensitivity' in target ? 'sensitivity' : 'specificity'} from; set the threshold by hand or retrain`,
      );
    const op = operatingPoint(scores, positive, target);
    threshold = op.threshold;
    reached = op.reached;
    rule = describeTarget(target);
  }
  const at = atThreshold(scores, positive, threshold);
  const div = (a: number, b: number) => (b ? a / b : null);
  const choice: ThresholdChoice = ThresholdChoice.parse({
    threshold,
    previous: typeof cfg.threshold === 'number' ? cfg.threshold : null,
    rule,
    target,
    reached,
    at: {
      sensitivity: hasBoth ? nn(at.sensitivity) : null,
      specificity: hasBoth ? nn(at.specificity) : null,
      ppv: div(at.tp, at.tp + at.fp),
      npv: div(at.tn, at.tn + at.fn),
      tp: at.tp,
      fp: at.fp,
      tn: at.tn,
      fn: at.fn,
    },
    lower95: {
      sensitivity: at.tp + at.fn ? clopperPearsonLower(at.tp, at.tp + at.fn, 0.95) : null,
      specificity: at.tn + at.fp ? clopperPearsonLower(at.tn, at.tn + at.fp, 0.95) : null,
    },
    evaluatedOn: h.evaluatedOn,
    nPerClass: h.nPerClass,
    setAt: new Date().toISOString(),
    via,
  });
  store.setModelConfig(id, { ...cfg, threshold, thresholdChoice: choice });
  return choice;
}

/** The threshold the user chose for a model, if any (older models and untouched ones: null). */
export function thresholdChoiceOf(m: ModelRow): ThresholdChoice | null {
  const r = ThresholdChoice.safeParse((m.config as Record<string, unknown>).thresholdChoice);
  return r.success ? r.data : null;
}

/**
 * A retrain keeps the user's rule: when the model it replaces had a threshold chosen by target
 * sensitivity or specificity, the new model's threshold is read by the same rule on its own
 * held-out predictions (a hand-set value is not carried: it belonged to the old scores).
 */
export function carryThreshold(
  store: ProjectStore,
  fromId: number | null,
  toId: number,
): ThresholdChoice | null {
  if (fromId === null || fromId === toId) return null;
  const from = store.getModel(fromId);
  const to = store.getModel(toId);
  const t = from ? thresholdChoiceOf(from)?.target : undefined;
  if (!t || 'threshold' in t || !to || to.kind !== 'classify' || to.task !== from!.task) return null;
  if ((to.config as { classes?: unknown[] }).classes?.length !== 2) return null;
  try {
    return setThreshold(store, toId, t, 'retrain');
  } catch (e) {
    // No held-out predictions of both classes: the new model keeps training's own threshold.
    if (e instanceof InvalidInputError) return null;
    throw e;
  }
}

/** The active model's rule as training options, so the trainer's own figures use it too. */
export function inheritedTarget(
  store: ProjectStore,
  activeId: number | null,
): { targetSensitivity?: number; targetSpecificity?: number } {
  const m = activeId === null ? null : store.getModel(activeId);
  const t = m ? thresholdChoiceOf(m)?.target : undefined;
  if (t && 'sensitivity' in t) return { targetSensitivity: t.sensitivity };
  if (t && 'specificity' in t) return { targetSpecificity: t.specificity };
  return {};
}
