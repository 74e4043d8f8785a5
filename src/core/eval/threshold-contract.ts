/**
 * A decision threshold the user chose for a two-class model (`model.config.thresholdChoice`),
 * with its provenance: the rule, the held-out predictions it was read from and the rates there,
 * so that nobody later mistakes a picked threshold for a measured one.
 */
import { z } from 'zod';

const Rate = z.number().gt(0).lt(1);

/** What the user asked for: a sensitivity or specificity to reach, or a threshold set by hand. */
export const ThresholdTarget = z.union([
  z.strictObject({ sensitivity: Rate }),
  z.strictObject({ specificity: Rate }),
  z.strictObject({ threshold: Rate }),
]);
export type ThresholdTarget = z.infer<typeof ThresholdTarget>;

const NRate = z.number().nullable();

export const ThresholdChoice = z.object({
  threshold: z.number(),
  /** The threshold the model had before (training's choice or an earlier pick). */
  previous: z.number().nullable(),
  /** The rule in words, e.g. "sensitivity ≥ 0.9". */
  rule: z.string(),
  target: ThresholdTarget,
  /** False when no threshold reached the target on these images (the closest was taken). */
  reached: z.boolean(),
  /** Rates at this threshold on the held-out predictions it was chosen on (cross-validated when the model has them). */
  at: z.object({
    sensitivity: NRate,
    specificity: NRate,
    ppv: NRate,
    npv: NRate,
    tp: z.number().int(),
    fp: z.number().int(),
    tn: z.number().int(),
    fn: z.number().int(),
  }),
  /** One-sided 95 % Clopper–Pearson lower bounds of the two rates on those images. */
  lower95: z.object({ sensitivity: NRate, specificity: NRate }),
  evaluatedOn: z.string(),
  nPerClass: z.record(z.string(), z.number().int()),
  setAt: z.string(),
  /** Who set it; 'retrain' when a retrain carried the active model's rule over. */
  via: z.enum(['ui', 'cli', 'api', 'retrain']),
});
export type ThresholdChoice = z.infer<typeof ThresholdChoice>;
