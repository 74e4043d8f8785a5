/**
 * The performance estimate a trained classifier carries (`model.metrics.estimate`): how well the
 * model is expected to do on new patients of the same sources, with an interval that stays
 * honest at small n. Reports, warnings, the CLI and the UI read this one shape.
 */
import { z } from 'zod';

export const EstimateMethod = z.enum([
  /** Repeated patient-grouped, class-stratified k-fold cross-validation over all labels. */
  'grouped-cv',
  /** One patient-grouped validation split (large label sets, ≥ 1,000 images). */
  'holdout',
  /** Too few patients per class to hold any out: no estimate. */
  'none',
]);
export type EstimateMethod = z.infer<typeof EstimateMethod>;

export const Estimate = z.object({
  method: EstimateMethod,
  /** k of the k-fold (1 for holdout, 0 for none). */
  folds: z.number().int().nonnegative(),
  /** How many times the k-fold partition was redrawn (1 for holdout). */
  repeats: z.number().int().nonnegative(),
  /** ROC AUC of out-of-fold predictions (two classes: the positive class; more: macro one-vs-rest). */
  auc: z.number().nullable(),
  /** 95 % interval of `auc`; never zero-width (docs/ARCHITECTURE.md, "Estimates"). */
  ci: z.tuple([z.number(), z.number()]).nullable(),
  /** Images per class the estimate rests on. */
  nPerClass: z.record(z.string(), z.number().int().nonnegative()),
  /** True when some class has so few images that the figure means little (see `note`). */
  tooSmall: z.boolean(),
  /** The plain-words caveat shown next to the figure. */
  note: z.string().optional(),
});
export type Estimate = z.infer<typeof Estimate>;
