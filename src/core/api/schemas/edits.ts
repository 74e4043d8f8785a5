import { z } from 'zod';
import { ImageId, ImageIds, Rect } from './common.ts';

export const SetLabelParams = z.strictObject({
  imageIds: ImageIds,
  label: z.string().min(1),
  /** Set when the label comes from accepting a model suggestion. */
  source: z.enum(['human', 'accepted_suggestion']).default('human'),
  /** Time from the image shown to this label (one image only), stored with the label's author. */
  durationMs: z.number().int().nonnegative().max(86_400_000).optional(),
});
export const ClearLabelParams = z.strictObject({ imageIds: ImageIds });
export const SetReviewParams = z.strictObject({ imageIds: ImageIds, needsReview: z.boolean() });
export const LabelChangeResult = z.object({
  /** Images whose label actually changed (setting the same label again is not a change). */
  changed: z.number().int(),
});

/**
 * A mask is one 8-bit map per image and mask class: 0 = background, nonzero = inside. The server
 * stores and returns 0/1; edits may paint any nonzero value (compared and stored as 1).
 * `data` is base64: a gray8 PNG for whole maps, raw row-major bytes for patches (small).
 */
export const MaskRaster = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  encoding: z.enum(['png', 'raw']),
  data: z.string(),
});
/** Mask class name; default 'lung'. */
export const MaskClass = z.string().min(1).max(64).default('lung');
export const GetMaskParams = z.strictObject({ imageId: ImageId, maskClass: MaskClass });
export const GetMaskResult = z.object({
  /** Null when the image has no mask yet (treat as all zeros at the image size). */
  mask: MaskRaster.nullable(),
  width: z.number().int(),
  height: z.number().int(),
  /** Increments on every saved edit; send it back to detect concurrent edits. */
  version: z.number().int(),
});

/**
 * One committed edit (a whole brush stroke, a fill, ...): the dirty rectangle before and after.
 * `before` is the inverse used by undo; the server checks it against its copy and answers
 * 'conflict' if the map changed underneath (e.g. another window edited it).
 */
export const SaveMaskEditParams = z.strictObject({
  imageId: ImageId,
  maskClass: MaskClass,
  rect: Rect,
  /** base64 raw bytes, rect.width*rect.height each. */
  before: z.string(),
  after: z.string(),
  /** What made the edit, e.g. 'brush', 'fill', 'erase' (the renderer's undo menu names it). */
  tool: z.string().max(40).default('edit'),
  baseVersion: z.number().int().optional(),
});
export const SaveMaskEditResult = z.object({ version: z.number().int() });
