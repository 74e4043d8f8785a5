import type { Estimate, EstimateMethod } from '../eval/estimate-contract.ts';

/** Below this many images in a class, an AUC is a rough guide at best. */
export const TOO_SMALL_PER_CLASS = 20;
/** An interval wider than this is also "too small to mean much". */
export const TOO_WIDE = 0.2;

/**
 * 95 % interval of an out-of-fold AUC (docs/ARCHITECTURE.md, "Estimates"). Hanley & McNeil's
 * variance for n₁ positive and n₂ negative cases, evaluated at the AUC shrunk by one half-
 * concordant pseudo-pair (so a perfectly separated small set still gets a wide interval), plus
 * the spread between CV repeats (the partition's own noise), on the logit scale so that the
 * interval stays inside (0, 1).
 */
export function aucInterval(aucs: number[], n1: number, n2: number): [number, number] {
  const a = aucs.reduce((s, v) => s + v, 0) / aucs.length;
  const pairs = n1 * n2;
  const t = (a * pairs + 0.5) / (pairs + 1);
  const q1 = t / (2 - t);
  const q2 = (2 * t * t) / (1 + t);
  const hm = (t * (1 - t) + (n1 - 1) * (q1 - t * t) + (n2 - 1) * (q2 - t * t)) / pairs;
  const between = aucs.length > 1 ? aucs.reduce((s, v) => s + (v - a) ** 2, 0) / (aucs.length - 1) : 0;
  const se = Math.sqrt(Math.max(hm, 0) + between) / (t * (1 - t));
  const l = Math.log(t / (1 - t));
  const expit = (v: number) => 1 / (1 + Math.exp(-v));
  return [expit(l - 1.96 * se), expit(l + 1.96 * se)];
}

export interface EstimateInput {
  method: EstimateMethod;
  folds: number;
  repeats: number;
  /** AUC of each repeat (one value for a holdout); empty when there is none. */
  aucs: number[];
  classes: string[];
  /** Images per class behind the figure (all labels for CV, the validation split for holdout). */
  images: number[];
  /** Patients per class behind the figure: the independent units the interval counts. */
  patients: number[];
  /** Two classes: index of the positive class. */
  positive: number | null;
}

/** The estimate with its interval, images per class and a plain-words caveat. */
export function buildEstimate(e: EstimateInput): Estimate {
  const nPerClass = Object.fromEntries(e.classes.map((c, k) => [c, e.images[k] ?? 0]));
  const valid = e.aucs.filter((v) => Number.isFinite(v));
  const counts = e.classes.map((c, k) => `${e.images[k] ?? 0} ${c}`).join(', ');
  if (e.method === 'none' || !valid.length) {
    return {
      method: 'none',
      folds: 0,
      repeats: 0,
      auc: null,
      ci: null,
      nPerClass,
      tooSmall: true,
      note: `No estimate: every class needs images from at least 2 patients to hold some out (have ${counts}).`,
    };
  }
  const a = valid.reduce((s, v) => s + v, 0) / valid.length;
  // One class against the rest for more than two classes: the smallest class bounds the precision.
  const pos = e.positive ?? e.patients.indexOf(Math.min(...e.patients));
  const n1 = Math.max(1, e.patients[pos]);
  const n2 = Math.max(
    1,
    e.patients.reduce((s, v, k) => s + (k === pos ? 0 : v), 0),
  );
  const ci = aucInterval(valid, n1, n2);
  const minImages = Math.min(...e.classes.map((_, k) => e.images[k] ?? 0));
  const tooSmall = minImages < TOO_SMALL_PER_CLASS || ci[1] - ci[0] > TOO_WIDE;
  const how =
    e.method === 'grouped-cv'
      ? `${e.repeats}× repeated ${e.folds}-fold cross-validation by patient`
      : 'one validation split of held-out patients';
  const note = tooSmall
    ? `Too few labels to mean much (${counts}): on new patients the AUC could be anywhere from ${ci[0].toFixed(2)} to ${ci[1].toFixed(2)}. Label more images, above all of the smallest class.`
    : `Estimated by ${how} on ${counts}; it holds for new patients of the same sources, not for other hospitals.`;
  return { method: e.method, folds: e.folds, repeats: e.repeats, auc: a, ci, nPerClass, tooSmall, note };
}

/** One line for people: "AUC 0.91 (95 % CI 0.85–0.95; 120 normal, 80 pneumonia; 5× 5-fold CV)". */
export function describeEstimate(e: Estimate): string {
  const n = Object.entries(e.nPerClass)
    .map(([c, v]) => `${v} ${c}`)
    .join(', ');
  if (e.auc === null || !e.ci) return `no estimate (${n}): ${e.note ?? ''}`.trim();
  const how = e.method === 'grouped-cv' ? `${e.repeats}× ${e.folds}-fold CV by patient` : 'held-out patients';
  const head = `estimated AUC ${e.auc.toFixed(3)} (95% CI ${e.ci[0].toFixed(3)}–${e.ci[1].toFixed(3)}; ${n}; ${how})`;
  return e.tooSmall ? `${head}. ${e.note}` : head;
}
