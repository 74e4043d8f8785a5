import { z } from 'zod';

/** Image ids are the store's integer row ids; never paths. */
export const ImageId = z.number().int().positive();
export const JobId = z.string().min(1).max(64);
/** Many image ids at once (bulk labelling); bounded so one request stays reasonable. */
export const ImageIds = z.array(ImageId).min(1).max(100_000);

export const Empty = z.strictObject({});
export const Ok = z.object({ ok: z.literal(true) });

/** Axis-aligned rectangle in image pixels. */
export const Rect = z.strictObject({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** Error body returned by every transport; the client rethrows it as `ApiError`. */
export const ApiErrorBody = z.object({
  code: z.enum([
    'bad_request',
    'not_found',
    'conflict',
    'no_project',
    'unauthorized',
    'forbidden',
    'cancelled',
    'worker_crashed',
    'internal',
  ]),
  message: z.string(),
  /** Zod issues or other machine-readable detail. */
  details: z.unknown().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Who made a label or mask (the store's AnnotationSource). */
export const AnnotationSource = z.enum(['human', 'accepted_suggestion', 'import']);
