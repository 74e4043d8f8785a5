/**
 * The project's learning curve: each classifier's cross-validated AUC estimate against the number
 * of labels it was trained on, and the plain statement of whether more labels still pay off.
 */
import { z } from 'zod';

export const LearningPoint = z.object({
  modelId: z.number().int(),
  name: z.string(),
  /** Labelled images the model and its estimate rest on. */
  labels: z.number().int(),
  auc: z.number(),
  /** 95 % interval of the estimate. */
  ci: z.tuple([z.number(), z.number()]),
  nPerClass: z.record(z.string(), z.number().int()),
  method: z.string(),
  tooSmall: z.boolean(),
  createdAt: z.string(),
});
export type LearningPoint = z.infer<typeof LearningPoint>;

export const LearningTrend = z.object({
  verdict: z.enum(['paying-off', 'levelling-off', 'worse', 'unclear', 'not-enough']),
  text: z.string(),
  /** AUC change between the two estimates compared, its 95 % interval, and per 50 labels. */
  delta: z.number().optional(),
  ci: z.tuple([z.number(), z.number()]).optional(),
  perFifty: z.number().optional(),
  from: z.number().int().nullable(),
  to: z.number().int().nullable(),
});
export type LearningTrend = z.infer<typeof LearningTrend>;

export const LearningCurve = z.object({
  task: z.string(),
  classes: z.array(z.string()),
  points: z.array(LearningPoint),
  trend: LearningTrend,
});
export type LearningCurve = z.infer<typeof LearningCurve>;
