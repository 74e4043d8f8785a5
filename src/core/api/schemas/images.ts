import { z } from 'zod';
import { AnnotationSource, ImageId } from './common.ts';

export const LabelStatus = z.enum(['unlabelled', 'labelled', 'suggested', 'needs-review']);
export type LabelStatus = z.infer<typeof LabelStatus>;

export const ImageQuery = z.strictObject({
  /** Class name; `null` means "no label". */
  label: z.string().nullable().optional(),
  /** 'unlabelled' selects every image without a label (a prediction does not label it). */
  status: LabelStatus.optional(),
  source: z.string().optional(),
  /** 'unassigned' selects images without a split. */
  split: z.enum(['train', 'val', 'test', 'unassigned']).optional(),
  hasMask: z.boolean().optional(),
  /** Substring of the file name. */
  search: z.string().max(200).optional(),
  /** Images whose label or a mask was last written by this person. */
  author: z.string().min(1).max(100).optional(),
  /**
   * 'score' is the active-learning score: unlabelled images first, then highest score (default
   * order). 'confidence': least sure first by default.
   */
  sort: z.enum(['imported', 'name', 'score', 'confidence']).default('imported'),
  order: z.enum(['asc', 'desc']).optional(),
  offset: z.number().int().nonnegative().default(0),
  /** Keyset paging: the id of the last image of the previous page (then `offset` is ignored). */
  after: ImageId.optional(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type ImageQuery = z.input<typeof ImageQuery>;

/** URLs the renderer can put straight into <img>/fetch (app:// protocol in Electron, HTTP in serve). */
export const ImageUrls = z.object({
  /** 8-bit PNG at the default window; accepts `?window=i` or `?center=&width=` and `&invert=1`. */
  display: z.string(),
  /** 16-bit gray PNG of the stored values (apply rescale, then window, on the client). */
  raw: z.string(),
  thumbnail: z.string(),
  /** 8-bit label-map PNG of the default mask class (0 = background); `?class=` for others; 404 when none. */
  mask: z.string(),
});

export const Prediction = z.object({
  modelId: z.number().int(),
  label: z.string(),
  confidence: z.number(),
  probabilities: z.record(z.string(), z.number()),
});

export const ImageSummary = z.object({
  id: ImageId,
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  source: z.string().nullable(),
  split: z.string().nullable(),
  label: z.string().nullable(),
  labelSource: AnnotationSource.nullable(),
  status: LabelStatus,
  hasMask: z.boolean(),
  /** Active-learning score from the last suggestion pass (higher = more useful to label). */
  score: z.number().nullable(),
  thumbnailUrl: z.string(),
  /** The active model's last prediction pass found this image unlike its training data. */
  unlikeTraining: z.boolean().optional(),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const ImagePage = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  items: z.array(ImageSummary),
});

export const WindowPresetSchema = z.object({
  center: z.number(),
  width: z.number(),
  name: z.string(),
  fn: z.enum(['LINEAR', 'LINEAR_EXACT', 'SIGMOID']).optional(),
});

export const ImageDetail = ImageSummary.extend({
  format: z.string(),
  storedRange: z.tuple([z.number(), z.number()]),
  rescaleSlope: z.number(),
  rescaleIntercept: z.number(),
  windows: z.array(WindowPresetSchema),
  /** MONOCHROME1: the display rendering is already inverted. */
  invert: z.boolean(),
  meta: z.record(z.string(), z.unknown()),
  patientId: z.string().nullable(),
  urls: ImageUrls,
  prediction: Prediction.nullable(),
  /** Label history, newest first. */
  history: z.array(
    z.object({ label: z.string().nullable(), source: AnnotationSource, author: z.string(), at: z.string() }),
  ),
});
export type ImageDetail = z.infer<typeof ImageDetail>;

export const ImageIdParams = z.strictObject({ id: ImageId });
