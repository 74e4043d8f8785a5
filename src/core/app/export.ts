/**
 * Export use case: labels as CSV, masks as binary PNGs, or a model bundle. The CLI command and
 * the worker's export job both call `exportProject` and read its typed result.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { assertSafeExportPath, writeExportFile } from '../export/safe-path.ts';
import { decodeMaskPng, encodeGrayPng } from '../imaging/index.ts';
import { csvRow } from '../import/csv.ts';
import type { ReviewRow } from '../store/reviews.ts';
import type { ProjectStore } from '../store/types.ts';
import { deidentifyBundleCard, exportInterop } from './export-interop.ts';

const CSV_COLUMNS = [
  'id',
  'file',
  'stored_path',
  'sha256',
  'format',
  'width',
  'height',
  'label',
  'label_author',
  'label_source',
  'label_updated_at',
  'patient_id',
  'source',
  'split',
  'status',
  'masks',
  'study_uid',
  'series_uid',
  'sop_uid',
  // Review mode: the flag, and the latest second opinion on the label (see store/reviews.ts).
  'needs_review',
  'reviews',
  'review_verdict',
  'review_label',
  'reviewer',
  'reviewed_at',
];

/** Creates an export folder after checking it is not (or not inside) the project's own files. */
function mkdirSafe(store: ProjectStore, dir: string): void {
  assertSafeExportPath(store.dir, dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export function exportCsv(store: ProjectStore, out: string): { file: string; rows: number } {
  const file = existsSync(out) && statSync(out).isDirectory() ? path.join(out, 'labels.csv') : out;
  mkdirSafe(store, path.dirname(path.resolve(file)));
  assertSafeExportPath(store.dir, file);
  const masks = new Map<number, string[]>();
  for (const m of store.listMasks()) masks.set(m.imageId, [...(masks.get(m.imageId) ?? []), m.maskClass]);
  const labels = new Map(store.getLabels().map((l) => [l.imageId, l]));
  const reviews = new Map<number, { n: number; last: ReviewRow }>();
  for (const r of store.listReviews())
    reviews.set(r.imageId, { n: (reviews.get(r.imageId)?.n ?? 0) + 1, last: r });
  const lines = [csvRow(CSV_COLUMNS)];
  const { items } = store.listImages();
  for (const i of items) {
    const l = labels.get(i.id);
    const rv = reviews.get(i.id);
    const meta = i.meta as Record<string, string | undefined>;
    lines.push(
      csvRow([
        i.id,
        i.originalPath,
        i.storedPath ?? '',
        i.sha256,
        i.format,
        i.width,
        i.height,
        l?.label ?? '',
        l?.author ?? '',
        l?.source ?? '',
        l?.updatedAt ?? '',
        i.patientId ?? '',
        i.source ?? '',
        i.split ?? '',
        i.status,
        (masks.get(i.id) ?? []).join(';'),
        meta.studyInstanceUid ?? '',
        meta.seriesInstanceUid ?? '',
        meta.sopInstanceUid ?? '',
        i.needsReview ? 1 : 0,
        rv?.n ?? 0,
        rv?.last.verdict ?? '',
        rv?.last.label ?? '',
        rv?.last.author ?? '',
        rv?.last.at ?? '',
      ]),
    );
  }
  return { file: writeExportFile(store.dir, file, `${lines.join('\n')}\n`), rows: items.length };
}

/** One binary PNG (0/255) per image and mask class, at the image's original size. */
export async function exportMasks(
  store: ProjectStore,
  out: string,
  onProgress: (d: number, t: number) => void,
) {
  mkdirSafe(store, out);
  const all = store.listMasks();
  const failed: Array<{ file: string; reason: string }> = [];
  const index = [
    csvRow(['mask', 'mask_class', 'image_id', 'file', 'sha256', 'sop_uid', 'author', 'source', 'updated_at']),
  ];
  let done = 0;
  for (const m of all) {
    const img = store.getImage(m.imageId)!;
    const name = `${img.id}_${path.parse(img.originalPath).name}.png`;
    const rel = path.join(m.maskClass, name);
    try {
      const row = store.getMask(m.imageId, m.maskClass)!;
      const bin = await decodeMaskPng(row.png, `mask of image ${img.id}`);
      for (let k = 0; k < bin.data.length; k++) bin.data[k] = bin.data[k] ? 255 : 0;
      mkdirSafe(store, path.join(out, m.maskClass));
      writeExportFile(store.dir, path.join(out, rel), await encodeGrayPng(bin.data, bin.width, bin.height));
      const sop = (img.meta as { sopInstanceUid?: string }).sopInstanceUid ?? '';
      index.push(
        csvRow([
          rel,
          m.maskClass,
          img.id,
          img.originalPath,
          img.sha256,
          sop,
          m.author,
          m.source,
          m.updatedAt,
        ]),
      );
    } catch (e) {
      failed.push({ file: path.join(out, rel), reason: (e as Error).message });
    }
    onProgress(++done, all.length);
  }
  writeExportFile(store.dir, path.join(out, 'masks.csv'), `${index.join('\n')}\n`);
  return { dir: path.resolve(out), masks: index.length - 1, failed };
}

export type ExportFormat = 'csv' | 'masks' | 'model' | 'seg' | 'coco' | 'nnunet';

export interface ExportRequest {
  format: ExportFormat;
  /** CSV: a file, or a folder that gets labels.csv; the other formats: a folder. */
  out: string;
  /** Model bundles: which model. */
  modelId?: number;
  /** DICOM PS3.15 basic profile: pseudonyms, shifted dates, remapped UIDs, neutral file names. */
  deidentify?: boolean;
}

export interface ExportOutcome {
  format: ExportFormat;
  /** The file (CSV) or folder (masks, model) written. */
  path: string;
  /** Files written, index files included. */
  files: number;
  /** CSV: rows written; masks: masks written. */
  count: number;
  /** Masks that could not be written, each naming the output file. */
  failed: Array<{ file: string; reason: string }>;
  /** Non-fatal problems (a DICOM source no longer readable, so its imported fields were used). */
  warnings?: string[];
  /** With `deidentify`: how many patients, UIDs and files were replaced (never the originals). */
  deid?: { patients: number; uids: number; files: number };
}

export async function exportProject(
  store: ProjectStore,
  req: ExportRequest,
  ctl: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ExportOutcome> {
  ctl.signal?.throwIfAborted();
  // Every format, present and future, is checked here before anything is created.
  assertSafeExportPath(store.dir, req.out);
  const interop = ['seg', 'coco', 'nnunet'].includes(req.format);
  if (interop || (req.deidentify && (req.format === 'csv' || req.format === 'masks')))
    return exportInterop(store, req, ctl);
  if (req.format === 'csv') {
    const r = exportCsv(store, req.out);
    return { format: 'csv', path: r.file, files: 1, count: r.rows, failed: [] };
  }
  if (req.format === 'masks') {
    const r = await exportMasks(store, req.out, ctl.onProgress ?? (() => {}));
    return { format: 'masks', path: r.dir, files: r.masks + 1, count: r.masks, failed: r.failed };
  }
  // Loaded lazily: CSV and mask exports need neither ONNX Runtime nor TF.js.
  const { exportBundle } = await import('../train/bundle.ts');
  const card = await exportBundle(store, req.modelId, req.out);
  const files = Object.keys(card.files).length + 1;
  if (req.deidentify) return deidentifyBundleCard(store, req.out, files);
  return { format: 'model', path: path.resolve(req.out), files, count: files, failed: [] };
}
