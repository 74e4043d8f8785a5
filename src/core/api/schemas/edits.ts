import { z } from 'zod';
import { ImageId, ImageIds, Rect } from './common.ts';

/** Server-side history for this project session: labels and mask edits in one stack. */
export const HistoryState = z.object({
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  /** e.g. 'label 3 images as pneumonia', 'brush on img-12' */
  undoLabel: z.string().nullable(),
  redoLabel: z.string().nullable(),
});
export type HistoryState = z.infer<typeof HistoryState>;

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
  history: HistoryState,
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
  /** Short label for the undo menu, e.g. 'brush', 'fill', 'erase'. */
  tool: z.string().max(40).default('edit'),
  baseVersion: z.number().int().optional(),
});
export const SaveMaskEditResult = z.object({ version: z.number().int(), history: HistoryState });

/** What an undo/redo step touched, so the UI can refresh exactly that. */
export const HistoryStepResult = z.object({
  applied: z
    .object({
      kind: z.enum(['label', 'mask']),
      imageIds: z.array(ImageId),
      maskClass: z.string().optional(),
      description: z.string(),
      /** For mask steps: the rectangle that changed and the map's new version. */
      rect: Rect.optional(),
      version: z.number().int().optional(),
    })
    .nullable(),
  history: HistoryState,
});
