import path from 'node:path';
import { encodeGrayPng } from '../../imaging/index.ts';
import { csvRow } from '../../import/csv.ts';
import type { ImageRow, ProjectStore } from '../../store/types.ts';
import { patientKeyOf } from '../identity.ts';
import { loadMask, masksByImage } from '../masks.ts';
import { imageStem } from '../naming.ts';
import { exportWriter } from '../out.ts';
import type { DeidContext } from './context.ts';

const remap = (ctx: DeidContext, uid: unknown) => (typeof uid === 'string' && uid ? ctx.uid(uid) : '');

/**
 * Labels CSV without identifiers: the file is the neutral stem, the patient is the pseudonym,
 * UIDs are remapped; original paths, sha256 (a fingerprint of the original file), authors and
 * timestamps are left out.
 */
export function exportCsvDeid(
  store: ProjectStore,
  out: string,
  ctx: DeidContext,
): { file: string; rows: number } {
  const w = exportWriter(store);
  const file = path.extname(out).toLowerCase() === '.csv' ? out : path.join(out, 'labels.csv');
  w.mkdir(path.dirname(path.resolve(file)));
  const masks = masksByImage(store);
  const labels = new Map(store.getLabels().map((l) => [l.imageId, l]));
  const lines = [
    csvRow([
      'file',
      'width',
      'height',
      'label',
      'label_source',
      'patient_id',
      'source',
      'split',
      'status',
      'masks',
      'study_uid',
      'series_uid',
      'sop_uid',
    ]),
  ];
  const { items } = store.listImages();
  for (const i of items) {
    const meta = i.meta as Record<string, unknown>;
    const l = labels.get(i.id);
    lines.push(
      csvRow([
        imageStem(i, ctx),
        i.width,
        i.height,
        l?.label ?? '',
        l?.source ?? '',
        ctx.patient(patientKeyOf(i)).id,
        i.source ?? '',
        i.split ?? '',
        i.status,
        (masks.get(i.id) ?? []).map((m) => m.maskClass).join(';'),
        remap(ctx, meta.studyInstanceUid),
        remap(ctx, meta.seriesInstanceUid),
        remap(ctx, meta.sopInstanceUid),
      ]),
    );
  }
  return { file: w.write(file, `${lines.join('\n')}\n`), rows: items.length };
}

/** Binary mask PNGs named by the neutral stem, with a masks.csv holding pseudonyms and remapped UIDs. */
export async function exportMasksDeid(
  store: ProjectStore,
  out: string,
  ctx: DeidContext,
  onProgress?: (done: number, total: number) => void,
) {
  const w = exportWriter(store);
  w.mkdir(out);
  const failed: Array<{ file: string; reason: string }> = [];
  const index = [csvRow(['mask', 'mask_class', 'patient_id', 'sop_uid', 'source'])];
  const all = store.listMasks();
  let done = 0;
  for (const m of all) {
    const img = store.getImage(m.imageId) as ImageRow;
    const rel = path.join(m.maskClass, `${imageStem(img, ctx)}.png`);
    try {
      const bin = await loadMask(store, img, m.maskClass);
      w.mkdir(path.join(out, m.maskClass));
      w.write(
        path.join(out, rel),
        await encodeGrayPng(
          bin.map((v) => (v ? 255 : 0)),
          img.width,
          img.height,
        ),
      );
      index.push(
        csvRow([
          rel,
          m.maskClass,
          ctx.patient(patientKeyOf(img)).id,
          remap(ctx, (img.meta as Record<string, unknown>).sopInstanceUid),
          m.source,
        ]),
      );
    } catch (e) {
      failed.push({ file: path.join(out, rel), reason: (e as Error).message });
    }
    onProgress?.(++done, all.length);
  }
  w.write(path.join(out, 'masks.csv'), `${index.join('\n')}\n`);
  return { dir: path.resolve(out), masks: index.length - 1, failed };
}
