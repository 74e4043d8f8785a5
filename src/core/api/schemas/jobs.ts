import { z } from 'zod';
import { JobId } from './common.ts';

export const JobKind = z.enum(['import', 'features', 'train', 'suggest', 'export', 'retrieve', 'report']);
export type JobKind = z.infer<typeof JobKind>;
export const JobState = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

export const JobProgress = z.object({
  done: z.number(),
  total: z.number(),
  /** e.g. 'decoding', 'features', 'epoch 3/20' */
  phase: z.string().optional(),
  message: z.string().optional(),
  /** Fraction of the whole job (0–1) across its phases; `done/total` count the current phase only. */
  overall: z.number().min(0).max(1).optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobInfo = z.object({
  id: JobId,
  kind: JobKind,
  state: JobState,
  progress: JobProgress,
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** Kind-specific result (import summary, model id, export paths...). */
  result: z.unknown().optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

export const JobStarted = z.object({ jobId: JobId });
export const JobIdParams = z.strictObject({ jobId: JobId });
export const CancelResult = z.object({ cancelled: z.boolean() });

export const ImportParams = z.strictObject({
  /** Files and folders (recursive) on the machine that runs the core. */
  paths: z.array(z.string().min(1)).default([]),
  /** CSV with `file` and optional `label`, `mask`, `patient_id`, `source` columns. */
  manifest: z.string().optional(),
  /** Copy files into the project (default) or reference them in place. */
  copy: z.boolean().default(true),
  source: z.string().optional(),
});
export const TrainParams = z.strictObject({
  task: z.enum(['classify', 'segment']),
  /** Classification head: linear probe, attentive probe, or fine-tune the last 1–2 blocks. */
  head: z.enum(['linear', 'attentive', 'blocks:1', 'blocks:2', 'auto']).default('linear'),
  /** Segmentation: which mask class (default 'lung'). */
  maskClass: z.string().optional(),
  epochs: z.number().int().min(1).max(1000).optional(),
  learningRate: z.number().positive().optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  /** Fraction of patients held out for early stopping, calibration and metrics. */
  valFraction: z.number().min(0.05).max(0.9).optional(),
  /** Also train on horizontally flipped views (classification). */
  augment: z.boolean().optional(),
  /** Fit the final classifier on every label, with the cross-validated or held-out estimate attached. */
  all: z.boolean().optional(),
  /** Two classes: threshold reaching this held-out sensitivity (or specificity) instead of Youden's J. */
  targetSensitivity: z.number().gt(0).lt(1).optional(),
  targetSpecificity: z.number().gt(0).lt(1).optional(),
  seed: z.number().int().optional(),
  name: z.string().max(200).optional(),
});
