import { z } from 'zod';
import { STRATEGIES } from '../../active/types.ts';
import { SuggestionStrategy } from '../../app/state.ts';
import { ImageId } from './common.ts';

export const Strategy = SuggestionStrategy;

export const SuggestNextParams = z.strictObject({
  task: z.enum(['classify', 'segment']).default('classify'),
  strategy: z.enum(STRATEGIES).optional(),
  /** Images the UI already shows or just served; they are deprioritised. */
  exclude: z.array(ImageId).max(1000).optional(),
});

export const Suggestion = z.object({
  imageId: ImageId,
  strategy: Strategy,
  /** In words a user understands: "the model is torn between pneumonia (48 %) and normal (52 %)". */
  reason: z.string(),
  score: z.number(),
  /** Pre-filled label with the model's confidence; null when no classifier exists yet. */
  label: z.object({ name: z.string(), confidence: z.number() }).nullable(),
  /** Pre-filled mask (label-map PNG URL) from the newest segmentation model; `confidence` is that
   * model's validation Dice. Null when there is no segmentation model. */
  mask: z
    .object({
      url: z.string(),
      confidence: z.number(),
      /** Per-pixel uncertainty of the prediction (gray PNG: 0 sure … 255 a coin toss), for the overlay. */
      uncertaintyUrl: z.string().nullable().default(null),
    })
    .nullable(),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const SuggestNextResult = z.object({
  suggestion: Suggestion.nullable(),
  /** Set when no suggestion was ready and a 'suggest' job was started to compute some. */
  jobId: z.string().nullable(),
  labelled: z.number().int(),
  total: z.number().int(),
  /** Whether a background retrain is running right now. */
  retraining: z.boolean(),
});

export const SuggestAcceptParams = z.strictObject({
  imageId: ImageId,
  /** A corrected label; defaults to the suggested one. */
  label: z.string().optional(),
  /** Also store the pre-filled mask as this image's mask. */
  acceptMask: z.boolean().default(false),
  /** Time from the image shown to the acceptance, stored with the label. */
  durationMs: z.number().int().nonnegative().max(86_400_000).optional(),
});
export const SuggestImageParams = z.strictObject({ imageId: ImageId });
