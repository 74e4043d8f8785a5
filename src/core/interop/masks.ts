import { decodeMaskPng } from '../imaging/index.ts';
import type { ImageRow, MaskRow, ProjectStore } from '../store/types.ts';

export type MaskInfo = Omit<MaskRow, 'png'>;

/** The project's masks grouped by image, each image's masks in mask-class schema order. */
export function masksByImage(store: ProjectStore): Map<number, MaskInfo[]> {
  const order = store.listClasses('mask').map((c) => c.name);
  const out = new Map<number, MaskInfo[]>();
  for (const m of store.listMasks()) out.set(m.imageId, [...(out.get(m.imageId) ?? []), m]);
  for (const list of out.values())
    list.sort((a, b) => order.indexOf(a.maskClass) - order.indexOf(b.maskClass));
  return out;
}

/** One mask as 0/1 pixels at the image's size; a mask of another size is an error naming both. */
export async function loadMask(store: ProjectStore, img: ImageRow, maskClass: string): Promise<Uint8Array> {
  const row = store.getMask(img.id, maskClass);
  if (!row) throw new Error(`image ${img.id} has no ${maskClass} mask`);
  const bin = await decodeMaskPng(row.png, `mask ${maskClass} of image ${img.id}`);
  if (bin.width !== img.width || bin.height !== img.height) {
    throw new Error(`mask ${maskClass} is ${bin.width}×${bin.height}, image ${img.width}×${img.height}`);
  }
  return bin.data;
}
