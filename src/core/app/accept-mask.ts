/**
 * Accept for the mask queue: the pre-filled (predicted) mask, as corrected by the user, becomes
 * ground truth only here. The renderer sends the rectangle where its draft differs from the
 * prediction; this re-applies it to the stored prediction, so what is stored is exactly
 * prediction + correction (author = the user, source `human` when corrected, else
 * `accepted_suggestion`), and says how many pixels the correction changed.
 */
import path from 'node:path';
import { correctionEffort } from '../active/correction.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { decodeMaskPng, encodeGrayPng } from '../imaging/index.ts';
import { lungMaskUnfit } from '../import/warnings.ts';
import type { Notifier } from './notify.ts';
import type { ProjectSession } from './session.ts';
import { state } from './state.ts';
import { dropFromQueue } from './suggestions.ts';

export interface AcceptMaskRequest {
  imageId: number;
  maskClass: string;
  edit: { rect: { x: number; y: number; width: number; height: number }; after: string } | null;
  strokes: number;
  durationMs?: number;
}

export interface AcceptMaskResult {
  source: 'accepted_suggestion' | 'human';
  editedPixels: number;
  maskPixels: number;
  strokes: number;
  version: number;
}

export async function acceptCorrectedMask(
  s: ProjectSession,
  n: Notifier,
  { imageId, maskClass, edit, strokes, durationMs }: AcceptMaskRequest,
): Promise<AcceptMaskResult> {
  const img = s.image(imageId);
  const unfit = lungMaskUnfit(img.meta);
  if (unfit)
    throw new InvalidInputError(
      `image ${imageId} (${path.basename(img.originalPath)}) is kept out of the mask queue (${unfit}); open it to draw a mask by hand`,
    );
  const q = state.suggestions.get(s.store);
  const modelId = q?.task === 'segment' ? q.segmentModelId : s.activeModelId('segment');
  const pred = modelId != null ? s.store.getPredictions(modelId, [imageId])[0]?.mask : null;
  if (!pred) throw new NotFoundError(`no predicted mask for image ${imageId} to accept`);
  return s.serial(async () => {
    if (s.store.getMask(imageId, maskClass))
      throw new ConflictError(`image ${imageId} already has a ${maskClass} mask; open it to edit that one`);
    const predicted = (await decodeMaskPng(pred, `predicted mask of image ${imageId}`)).data.map((v) =>
      v ? 1 : 0,
    );
    const mask = predicted.slice();
    if (edit) {
      const r = edit.rect;
      if (r.x + r.width > img.width || r.y + r.height > img.height)
        throw new InvalidInputError(
          `rectangle ${JSON.stringify(r)} is outside the ${img.width}×${img.height} image`,
        );
      const after = new Uint8Array(Buffer.from(edit.after, 'base64'));
      if (after.length !== r.width * r.height)
        throw new InvalidInputError(
          `after: ${after.length} bytes for a rectangle of ${r.width * r.height} pixels`,
        );
      for (let y = 0; y < r.height; y++)
        for (let x = 0; x < r.width; x++)
          mask[(r.y + y) * img.width + r.x + x] = after[y * r.width + x] ? 1 : 0;
    }
    const effort = correctionEffort(predicted, mask, img.width, img.height);
    if (effort.targetPixels === 0)
      throw new InvalidInputError(
        `the corrected ${maskClass} mask of image ${imageId} is empty; use Unsure / N/A instead`,
      );
    const source = effort.editedPixels === 0 ? ('accepted_suggestion' as const) : ('human' as const);
    const { author } = s.settings();
    const png = await encodeGrayPng(
      mask.map((v) => v * 255),
      img.width,
      img.height,
    );
    const save = () => {
      s.store.setMask({ imageId, maskClass, png, author, source, durationMs });
      s.dropMask(imageId, maskClass);
      return s.maskVersion(imageId, maskClass);
    };
    const version = save();
    dropFromQueue(s, imageId);
    n.maskChanged({ imageId, maskClass, version });
    n.countsChanged();
    return {
      source,
      editedPixels: effort.editedPixels,
      maskPixels: effort.targetPixels,
      strokes,
      version,
    };
  });
}
