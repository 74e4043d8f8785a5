import { z } from 'zod';
import { Estimate } from '../../eval/estimate-contract.ts';
import { ThresholdChoice } from '../../eval/threshold-contract.ts';

/** A plain-words warning (shortcut, shift, overlap, small n); `code` is stable for tests and UI. */
export const EvalWarningWire = z.object({ code: z.string(), message: z.string() });

/** One threshold of the sensitivity/specificity trade-off (null where a rate has no denominator). */
export const TradeoffRowWire = z.object({
  threshold: z.number(),
  sensitivity: z.number().nullable(),
  specificity: z.number().nullable(),
  ppv: z.number().nullable(),
  npv: z.number().nullable(),
  tp: z.number().int(),
  fp: z.number().int(),
  tn: z.number().int(),
  fn: z.number().int(),
});
export type TradeoffRowWire = z.infer<typeof TradeoffRowWire>;

/** What the model view shows beside the curves so that nobody reads a number without its caveats. */
export const ModelHonesty = z.object({
  warnings: z.array(EvalWarningWire),
  /** Images per class behind the curves. */
  nPerClass: z.record(z.string(), z.number().int()),
  /** The cross-validated estimate from training, when the model has one. */
  estimate: Estimate.nullable(),
  positiveClass: z.string().nullable(),
  /** The model's stored decision threshold (two classes). */
  threshold: z.number().nullable(),
  /** Where the threshold came from when the user chose it (null: training's own choice). */
  thresholdChoice: ThresholdChoice.nullable(),
  tradeoff: z.array(TradeoffRowWire),
  /** Share of the project's scored images that look unlike the training data. */
  ood: z
    .object({ flagged: z.number().int(), n: z.number().int(), share: z.number(), shifted: z.boolean() })
    .nullable(),
  encoder: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type ModelHonesty = z.infer<typeof ModelHonesty>;
