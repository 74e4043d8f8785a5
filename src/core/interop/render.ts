import { decodeFile, encodeGrayPng, renderDisplay } from '../imaging/index.ts';
import type { ImageRow, ProjectStore } from '../store/types.ts';

/**
 * The image as an 8-bit grey PNG at its original size, rendered with its default window (the
 * same rendering the viewer and the model see). A PNG carries no DICOM header, so nothing of
 * the source's metadata travels with it.
 */
export async function displayPng(store: ProjectStore, img: ImageRow): Promise<Buffer> {
  const decoded = await decodeFile(store.imagePath(img));
  return encodeGrayPng(renderDisplay(decoded), decoded.width, decoded.height);
}
