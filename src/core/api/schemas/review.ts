import { z } from 'zod';
import { ImageId } from './common.ts';

export const ReviewNextParams = z.strictObject({ exclude: z.array(ImageId).max(1000).optional() });
export const ReviewNextResult = z.object({
  /** An image labelled by someone else that you have not reviewed; null when none is left. */
  imageId: ImageId.nullable(),
  remaining: z.number().int(),
  reviewer: z.string(),
});

export const ReviewAnswerParams = z.strictObject({
  imageId: ImageId,
  /** The label the reviewer sees: the current one confirms, another rejects. */
  label: z.string().min(1),
  durationMs: z.number().int().nonnegative().max(86_400_000).optional(),
});
export const ReviewAnswerResult = z.object({
  verdict: z.enum(['confirm', 'reject']),
  reviewed: z.string(),
  labeller: z.string(),
});

export const ReviewSummary = z.object({
  reviewer: z.string(),
  agreements: z.array(
    z.object({
      labeller: z.string(),
      reviewer: z.string(),
      n: z.number().int(),
      agree: z.number().int(),
      kappa: z.number().nullable(),
    }),
  ),
  /** Per annotator: labels given and mean time per label (null where not measured). */
  authors: z.array(
    z.object({
      author: z.string(),
      labels: z.number().int(),
      meanMs: z.number().nullable(),
      timed: z.number().int(),
      reviews: z.number().int(),
      reviewMeanMs: z.number().nullable(),
    }),
  ),
  reviews: z.number().int(),
  rejected: z.number().int(),
});
