import { atThreshold, youdenThreshold } from '../stats/metrics.ts';
import { clopperPearsonLower, minimumForBound } from './stats.ts';
import type { ConservativePoint, OperatingPoint, OperatingTarget, TradeoffRow } from './types.ts';

function row(scores: ArrayLike<number>, positive: ArrayLike<boolean>, t: number): TradeoffRow {
  const m = atThreshold(scores, positive, t);
  const div = (a: number, b: number) => (b ? a / b : Number.NaN);
  return {
    threshold: t,
    sensitivity: m.sensitivity,
    specificity: m.specificity,
    ppv: div(m.tp, m.tp + m.fp),
    npv: div(m.tn, m.tn + m.fn),
    tp: m.tp,
    fp: m.fp,
    tn: m.tn,
    fn: m.fn,
  };
}

/** Candidate cuts: midpoints between consecutive distinct scores, plus one below and one above all. */
function cuts(scores: ArrayLike<number>): number[] {
  const u = [...new Set(Array.from(scores))].sort((a, b) => a - b);
  if (!u.length) return [0.5];
  return [u[0] - 1e-9, ...u.slice(1).map((v, i) => (u[i] + v) / 2), u[u.length - 1] + 1e-9];
}

/**
 * The sensitivity/specificity trade-off at every distinct cut (thinned to at most `maxRows`,
 * always keeping both ends), for pickers and reports. Rows go from low to high threshold.
 */
export function tradeoff(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  maxRows = 101,
): TradeoffRow[] {
  const c = cuts(scores);
  const step = Math.max(1, Math.ceil(c.length / maxRows));
  return c.filter((_, i) => i % step === 0 || i === c.length - 1).map((t) => row(scores, positive, t));
}

/**
 * The threshold that meets a target: for a sensitivity target the highest cut that still reaches
 * it (most specific), for a specificity target the lowest (most sensitive), or Youden's J. When no
 * cut reaches the target the closest one is returned with `reached: false`.
 */
export function operatingPoint(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  target: OperatingTarget,
): OperatingPoint {
  if ('youden' in target)
    return { ...row(scores, positive, youdenThreshold(scores, positive)), target, reached: true };
  const rows = cuts(scores).map((t) => row(scores, positive, t));
  const key = 'sensitivity' in target ? 'sensitivity' : 'specificity';
  const want = 'sensitivity' in target ? target.sensitivity : target.specificity;
  const ok = rows.filter((r) => r[key] >= want - 1e-12);
  if (ok.length) {
    const pick = key === 'sensitivity' ? ok[ok.length - 1] : ok[0];
    return { ...pick, target, reached: true };
  }
  const closest = rows.reduce((b, r) => (r[key] > b[key] ? r : b));
  return { ...closest, target, reached: false };
}

/**
 * The threshold whose targeted rate is at least the target with `confidence` (one-sided
 * Clopper–Pearson on the images of that class), so that it still holds on new patients of the
 * same site: for specificity the lowest such cut (most sensitive), for sensitivity the highest.
 * When the labels cannot support the target (too few images, or too few ranked right), the cut
 * with the highest bound is returned with `reached: false`.
 */
export function conservativePoint(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  target: { sensitivity: number } | { specificity: number },
  confidence: number,
): ConservativePoint {
  const spec = 'specificity' in target;
  const want = spec ? target.specificity : target.sensitivity;
  const rows = cuts(scores).map((t) => {
    const r = row(scores, positive, t);
    const bound = spec
      ? clopperPearsonLower(r.tn, r.tn + r.fp, confidence)
      : clopperPearsonLower(r.tp, r.tp + r.fn, confidence);
    return { ...r, bound };
  });
  const nTargetClass = spec ? rows[0].tn + rows[0].fp : rows[0].tp + rows[0].fn;
  const base = { target, confidence, nTargetClass, nNeeded: minimumForBound(want, confidence) };
  const ok = rows.filter((r) => r.bound >= want - 1e-12);
  if (ok.length) return { ...(spec ? ok[0] : ok[ok.length - 1]), ...base, reached: true };
  const best = rows.reduce((b, r) => (r.bound > b.bound ? r : b));
  return { ...best, ...base, reached: false };
}

/** Parses CLI/API target flags into a target (at most one of the two). */
export function targetFrom(o: {
  targetSensitivity?: number;
  targetSpecificity?: number;
}): OperatingTarget | undefined {
  if (o.targetSensitivity !== undefined && o.targetSpecificity !== undefined)
    throw new Error('give a target sensitivity or a target specificity, not both');
  for (const v of [o.targetSensitivity, o.targetSpecificity])
    if (v !== undefined && !(v > 0 && v < 1))
      throw new Error(`target ${v} must be between 0 and 1 (e.g. 0.9)`);
  if (o.targetSensitivity !== undefined) return { sensitivity: o.targetSensitivity };
  if (o.targetSpecificity !== undefined) return { specificity: o.targetSpecificity };
  return undefined;
}

export function describeTarget(t: OperatingTarget): string {
  if ('sensitivity' in t) return `sensitivity ≥ ${t.sensitivity}`;
  if ('specificity' in t) return `specificity ≥ ${t.specificity}`;
  return "Youden's J";
}
