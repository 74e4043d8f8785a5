import { z } from 'zod';
import { ImageId, Rect } from './common.ts';

/**
 * Accepting a pre-filled mask after correcting it. The renderer edits the predicted mask as a
 * draft (nothing is stored while it does); Accept sends the one rectangle that differs from the
 * prediction, and only then is the mask stored as ground truth, with the user as its author.
 */
export const SuggestAcceptMaskParams = z.strictObject({
  imageId: ImageId,
  maskClass: z.string().min(1).max(64).default('lung'),
  /** The corrected pixels (base64 raw bytes, nonzero = inside) over `rect`; null = taken as predicted. */
  edit: z.strictObject({ rect: Rect, after: z.string() }).nullable().default(null),
  /** Brush strokes, fills and polygons the user made on the draft (for the effort figures). */
  strokes: z.number().int().nonnegative().max(100_000).default(0),
  /** Time from showing the pre-fill to Accept, when the renderer measured it. */
  durationMs: z.number().int().nonnegative().max(86_400_000).optional(),
});

export const SuggestAcceptMaskResult = z.object({
  /** 'accepted_suggestion' when stored as predicted, 'human' when corrected. */
  source: z.enum(['accepted_suggestion', 'human']),
  /** Pixels the correction changed from the prediction (painted + erased). */
  editedPixels: z.number().int(),
  /** Inside pixels of the stored mask: what drawing it from scratch would paint. */
  maskPixels: z.number().int(),
  strokes: z.number().int(),
  version: z.number().int(),
});
