import path from 'node:path';
import { encodeGrayPng } from '../../imaging/index.ts';
import type { ImageRow, ProjectStore } from '../../store/types.ts';
import type { InteropOutcome } from '../coco/export.ts';
import type { DeidContext } from '../deid/context.ts';
import { loadMask, masksByImage } from '../masks.ts';
import { imageStem } from '../naming.ts';
import { exportWriter } from '../out.ts';
import { displayPng } from '../render.ts';

export const NNUNET_DATASET = 'Dataset001_SPCXR';

export interface NnUnetDatasetJson {
  channel_names: Record<string, string>;
  labels: Record<string, number>;
  numTraining: number;
  file_ending: '.png';
  name: string;
  overwrite_image_reader_writer: 'NaturalImage2DIO';
}

/**
 * The nnU-Net v2 raw layout for 2-D images: `Dataset001_SPCXR/{imagesTr,labelsTr}` with
 * `<case>_0000.png` (8-bit display rendering, channel 0) and `<case>.png` (uint8 label map:
 * 0 background, mask class k → k in schema order), plus `dataset.json`. nnU-Net labels are
 * exclusive and unlabelled means background, so a case is an image that has a mask for every
 * exported class (others are listed as warnings), and where classes overlap the later one wins
 * (counted in a warning).
 */
export async function exportNnUnet(
  store: ProjectStore,
  outDir: string,
  o: { deid?: DeidContext; onProgress?: (d: number, t: number) => void; signal?: AbortSignal } = {},
): Promise<InteropOutcome & { dataset: string }> {
  const w = exportWriter(store);
  const root = path.join(outDir, NNUNET_DATASET);
  w.mkdir(path.join(root, 'imagesTr'));
  w.mkdir(path.join(root, 'labelsTr'));
  const byImage = masksByImage(store);
  const classes = store
    .listClasses('mask')
    .map((c) => c.name)
    .filter((c) => [...byImage.values()].some((l) => l.some((m) => m.maskClass === c)));
  const failed: InteropOutcome['failed'] = [];
  const warnings: string[] = [];
  let cases = 0;
  let done = 0;
  let overlap = 0;
  for (const [imageId, masks] of byImage) {
    if (o.signal?.aborted) throw new Error('export cancelled');
    const img = store.getImage(imageId) as ImageRow;
    o.onProgress?.(++done, byImage.size);
    const missing = classes.filter((c) => !masks.some((m) => m.maskClass === c));
    if (missing.length) {
      warnings.push(`${img.originalPath}: not a training case, no ${missing.join(', ')} mask`);
      continue;
    }
    const stem = imageStem(img, o.deid);
    try {
      const labels = new Uint8Array(img.width * img.height);
      for (const [k, c] of classes.entries()) {
        const mask = await loadMask(store, img, c);
        for (let i = 0; i < mask.length; i++) {
          if (!mask[i]) continue;
          if (labels[i]) overlap++;
          labels[i] = k + 1;
        }
      }
      w.write(path.join(root, 'imagesTr', `${stem}_0000.png`), await displayPng(store, img));
      w.write(path.join(root, 'labelsTr', `${stem}.png`), await encodeGrayPng(labels, img.width, img.height));
      cases++;
    } catch (e) {
      failed.push({ file: img.originalPath, reason: (e as Error).message });
    }
  }
  if (overlap)
    warnings.push(
      `${overlap} pixels belong to more than one mask class; the later class in the schema was kept`,
    );
  const dataset: NnUnetDatasetJson = {
    channel_names: { '0': 'xray' },
    labels: Object.fromEntries([['background', 0], ...classes.map((c, i) => [c, i + 1])]),
    numTraining: cases,
    file_ending: '.png',
    name: NNUNET_DATASET,
    overwrite_image_reader_writer: 'NaturalImage2DIO',
  };
  w.write(path.join(root, 'dataset.json'), JSON.stringify(dataset, null, 2));
  return { dir: path.resolve(outDir), dataset: path.resolve(root), written: cases, failed, warnings };
}
