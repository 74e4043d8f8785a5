import path from 'node:path';
import type { ImageRow, ProjectStore } from '../../store/types.ts';
import type { DeidContext } from '../deid/context.ts';
import { loadMask, masksByImage } from '../masks.ts';
import { imageStem } from '../naming.ts';
import { exportWriter } from '../out.ts';
import { displayPng } from '../render.ts';
import { bboxArea, type CocoRle, encodeRle } from './rle.ts';

export const COCO_FILE = 'annotations.json';

export interface CocoDataset {
  info: { description: string; version: string; date_created: string };
  images: Array<{ id: number; file_name: string; width: number; height: number }>;
  categories: Array<{ id: number; name: string; supercategory: string }>;
  annotations: Array<{
    id: number;
    image_id: number;
    category_id: number;
    segmentation: CocoRle;
    area: number;
    bbox: [number, number, number, number];
    iscrowd: 0;
  }>;
}

export interface InteropOutcome {
  dir: string;
  written: number;
  failed: Array<{ file: string; reason: string }>;
  warnings: string[];
}

/**
 * COCO-style instance segmentation: `images/<stem>.png` (8-bit display rendering) and
 * `annotations.json` with one annotation per image and mask class, the mask as uncompressed RLE
 * (pixel-exact, unlike polygons). Image ids are 1..n in export order, not the project's ids.
 */
export async function exportCoco(
  store: ProjectStore,
  outDir: string,
  o: { deid?: DeidContext; onProgress?: (d: number, t: number) => void; signal?: AbortSignal } = {},
): Promise<InteropOutcome> {
  const w = exportWriter(store);
  w.mkdir(path.join(outDir, 'images'));
  const byImage = masksByImage(store);
  const classes = store
    .listClasses('mask')
    .map((c) => c.name)
    .filter((c) => [...byImage.values()].some((l) => l.some((m) => m.maskClass === c)));
  const coco: CocoDataset = {
    info: { description: 'SPCXR Studio masks', version: '1', date_created: new Date().toISOString() },
    images: [],
    categories: classes.map((name, i) => ({ id: i + 1, name, supercategory: 'anatomy' })),
    annotations: [],
  };
  const failed: InteropOutcome['failed'] = [];
  let done = 0;
  for (const [imageId, masks] of byImage) {
    if (o.signal?.aborted) throw new Error('export cancelled');
    const img = store.getImage(imageId) as ImageRow;
    const fileName = `images/${imageStem(img, o.deid)}.png`;
    try {
      const anns = [];
      for (const m of masks) {
        const mask = await loadMask(store, img, m.maskClass);
        anns.push({
          category_id: classes.indexOf(m.maskClass) + 1,
          segmentation: encodeRle(mask, img.width, img.height),
          ...bboxArea(mask, img.width),
        });
      }
      w.write(path.join(outDir, fileName), await displayPng(store, img));
      const id = coco.images.length + 1;
      coco.images.push({ id, file_name: fileName, width: img.width, height: img.height });
      for (const a of anns)
        coco.annotations.push({ id: coco.annotations.length + 1, image_id: id, iscrowd: 0, ...a });
    } catch (e) {
      failed.push({ file: img.originalPath, reason: (e as Error).message });
    }
    o.onProgress?.(++done, byImage.size);
  }
  w.write(path.join(outDir, COCO_FILE), JSON.stringify(coco));
  return { dir: path.resolve(outDir), written: coco.images.length, failed, warnings: [] };
}
