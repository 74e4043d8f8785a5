import type { ClassProbs, MaskStats, PrefillLabel } from './types.ts';
import { topTwo } from './uncertainty.ts';

const pct = (p: number): string => `${Math.round(p * 100)} %`;

/** Below this gap between the two likeliest classes the model counts as torn. */
const TORN_MARGIN = 0.3;

export function classReason(cp: ClassProbs, i: number): { code: 'torn' | 'leaning'; text: string } {
  const k = cp.classes.length;
  if (cp.threshold && k === 2) {
    const { positive, value } = cp.threshold;
    const p = cp.probs[i * k + positive];
    return {
      code: p >= value - 0.15 && p <= value + 0.15 ? 'torn' : 'leaning',
      text: `the model's ${cp.classes[positive]} score (${pct(p)}) is close to the threshold you chose (${pct(value)})`,
    };
  }
  const [a, b] = topTwo(cp.probs, i * k, k);
  const pa = cp.probs[i * k + a];
  const pb = b < 0 ? 0 : cp.probs[i * k + b];
  const ca = cp.classes[a];
  const cb = b < 0 ? 'anything else' : cp.classes[b];
  if (pa - pb <= TORN_MARGIN) {
    // Lower probability first reads naturally: "torn between pneumonia (48 %) and normal (52 %)".
    return { code: 'torn', text: `the model is torn between ${cb} (${pct(pb)}) and ${ca} (${pct(pa)})` };
  }
  return {
    code: 'leaning',
    text: `the model leans to ${ca} (${pct(pa)}) over ${cb} (${pct(pb)}) but is less sure than on most unlabelled images`,
  };
}

export function prefillFrom(cp: ClassProbs, i: number): PrefillLabel {
  const k = cp.classes.length;
  let [a] = topTwo(cp.probs, i * k, k);
  if (cp.threshold && k === 2)
    a =
      cp.probs[i * k + cp.threshold.positive] >= cp.threshold.value
        ? cp.threshold.positive
        : 1 - cp.threshold.positive;
  const probs: Record<string, number> = {};
  cp.classes.forEach((c, j) => {
    probs[c] = cp.probs[i * k + j];
  });
  return { label: cp.classes[a], confidence: cp.probs[i * k + a], probs };
}

export function maskReason(s: MaskStats): string {
  const border = Math.round(s.unsureBorder * 100);
  return `the predicted lung mask is unsure along ${border} % of its border (mean pixel uncertainty ${s.meanEntropy.toFixed(2)} bits)`;
}

/** `rank`: fraction of unlabelled images that are closer to the labelled set than this one. */
export function unlikeReason(rank: number): string {
  const r = Math.min(99, Math.floor(rank * 100));
  return r >= 50
    ? `unlike any image labelled so far (farther from every labelled image than ${r} % of the unlabelled ones)`
    : 'adds variety: it differs from the labelled images and from the other suggestions';
}

export function clusterReason(size: number, source: string | null): string {
  const from = source ? ` from source ${source}` : '';
  // A cluster of one is an outlier, not something typical.
  return size === 1
    ? `unlike every other unlabelled image${source ? ` (source ${source})` : ''}`
    : `typical of ${size} similar unlabelled images${from}`;
}

export const RANDOM_REASON = 'picked at random (the baseline strategy)';
export const DEFERRED_SUFFIX = ' (shown or skipped recently; offered again because nothing fresher is left)';
