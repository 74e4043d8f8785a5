/**
 * Whether more labels are still paying off, in plain words: the change of the cross-validated
 * AUC over about the last 50 labels, with a 95 % interval. The two estimates share most of their
 * labels, so they are positively correlated and treating them as independent (as here) makes the
 * interval wider, never narrower: the statement errs towards "cannot tell yet".
 */
import type { LearningPoint, LearningTrend } from './learning-contract.ts';

/** Labels between the two estimates compared: about this many. */
export const TREND_WINDOW = 50;
/** Fewer labels apart than this and the change says nothing about labelling. */
const MIN_SPAN = 20;
/** A gain below this per 50 labels is "levelling off" (0.01 AUC: below what a reader acts on). */
const FLAT = 0.01;

const se = (p: LearningPoint) => Math.max((p.ci[1] - p.ci[0]) / (2 * 1.96), 1e-6);
const f3 = (x: number) => x.toFixed(3);
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

export function learningTrend(points: LearningPoint[]): LearningTrend {
  const notEnough = (text: string): LearningTrend => ({ verdict: 'not-enough', text, from: null, to: null });
  if (!points.length) return notEnough('Not enough models yet: train a model to see its estimated AUC here.');
  const last = points.reduce((b, p) =>
    p.labels > b.labels || (p.labels === b.labels && p.modelId > b.modelId) ? p : b,
  );
  const earlier = points.filter((p) => p.labels <= last.labels - MIN_SPAN);
  if (!earlier.length)
    return notEnough(
      `Not enough models yet: the estimates span fewer than ${MIN_SPAN} labels. Label about ${TREND_WINDOW} more images and train again to see whether more labels still help.`,
    );
  const want = last.labels - TREND_WINDOW;
  const ref = earlier.reduce((b, p) => {
    const d = Math.abs(p.labels - want) - Math.abs(b.labels - want);
    return d < 0 || (d === 0 && p.modelId > b.modelId) ? p : b;
  });
  const span = last.labels - ref.labels;
  const delta = last.auc - ref.auc;
  const s = Math.sqrt(se(last) ** 2 + se(ref) ** 2);
  const ci: [number, number] = [delta - 1.96 * s, delta + 1.96 * s];
  const per50 = (x: number) => (x * TREND_WINDOW) / span;
  const change = `from ${f3(ref.auc)} at ${ref.labels} labels to ${f3(last.auc)} at ${last.labels}: ${signed(delta)} (95 % interval ${signed(ci[0])} to ${signed(ci[1])})`;
  const base = { delta, ci, perFifty: per50(delta), from: ref.labels, to: last.labels };
  if (ci[0] > 0)
    return {
      ...base,
      verdict: 'paying-off',
      text: `More labels are still paying off: the estimated AUC rose ${change}, about ${signed(per50(delta))} per ${TREND_WINDOW} labels.`,
    };
  if (ci[1] < 0)
    return {
      ...base,
      verdict: 'worse',
      text: `The estimated AUC fell ${change}. Recent labels may disagree with earlier ones, or come from a new source: review them before labelling more.`,
    };
  if (per50(ci[1]) < FLAT)
    return {
      ...base,
      verdict: 'levelling-off',
      text: `Levelling off: the AUC went ${change}; another ${TREND_WINDOW} labels of the same kind are unlikely to add more than ${signed(per50(ci[1]))}.`,
    };
  return {
    ...base,
    verdict: 'unclear',
    text: `Cannot tell yet whether more labels help: the AUC went ${change}, and the intervals are too wide to say. Label more and train again.`,
  };
}
