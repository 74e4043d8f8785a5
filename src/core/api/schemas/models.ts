import { z } from 'zod';
import { ThresholdTarget } from '../../eval/threshold-contract.ts';
import { ModelHonesty } from './honesty.ts';

export const Metrics = z.record(z.string(), z.number());

export const ModelSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  task: z.enum(['classify', 'segment']),
  head: z.string(),
  encoder: z.string(),
  classes: z.array(z.string()),
  createdAt: z.string(),
  /** Headline validation metrics: auc, accuracy, dice, loss... */
  metrics: Metrics,
  /** The model its task uses for predictions and suggestions (one per task). */
  active: z.boolean(),
  /** Archived models are hidden from the default list and never active. */
  archived: z.boolean(),
  trainCount: z.number().int(),
  valCount: z.number().int(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const RocCurve = z.object({
  /** Positive class (one-vs-rest for more than two classes). */
  className: z.string(),
  auc: z.number(),
  points: z.array(z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number() })),
});
export const CalibrationBin = z.object({
  lo: z.number(),
  hi: z.number(),
  meanConfidence: z.number(),
  accuracy: z.number(),
  count: z.number().int(),
});

export const ModelDetail = ModelSummary.extend({
  params: z.record(z.string(), z.unknown()),
  /** Per-epoch training curve. */
  epochs: z.array(z.object({ epoch: z.number().int(), metrics: Metrics })),
  roc: z.array(RocCurve),
  confusion: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number().int())) }).nullable(),
  calibration: z.array(CalibrationBin),
  /** Per-site/source validation metrics, to spot a model that only works on one hospital. */
  perSource: z.array(z.object({ source: z.string(), n: z.number().int(), metrics: Metrics })),
  /** Segmentation: a few validation images with their predicted-mask URL. */
  samples: z.array(z.object({ imageId: z.number().int(), maskUrl: z.string(), dice: z.number() })),
  /** Which images the curves above were computed on, in words (e.g. 'validation split, 12 images'). */
  evaluatedOn: z.string(),
  /** Warnings, n per class, the training estimate, the threshold trade-off (classifiers). */
  honesty: ModelHonesty.optional(),
});
export type ModelDetail = z.infer<typeof ModelDetail>;

export const ModelIdParams = z.strictObject({ id: z.number().int().positive() });
export const ModelListParams = z.strictObject({ includeArchived: z.boolean().default(false) });
export const ModelRenameParams = ModelIdParams.extend({ name: z.string().trim().min(1).max(200) });
/** The learning curve of one label task (classification). */
export const LearningCurveParams = z.strictObject({ task: z.string().min(1).default('default') });
/** Set a two-class model's threshold from a target rate on its held-out predictions, or by hand. */
export const ModelThresholdParams = ModelIdParams.extend({ target: ThresholdTarget });
export const ModelArchiveParams = ModelIdParams.extend({ archived: z.boolean().default(true) });
/** The active model of each task, or null. */
export const ActiveModels = z.object({
  classify: z.number().int().nullable(),
  segment: z.number().int().nullable(),
});
