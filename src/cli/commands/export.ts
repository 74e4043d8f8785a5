import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeMaskPng, encodeGrayPng } from '../../core/imaging/index.ts';
import { csvRow } from '../../core/import/csv.ts';
import { runInteropExport } from '../../core/interop/export.ts';
import { openProject, type ProjectStore } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

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
];

/** Writes to a temp file and renames, so a killed export never leaves a half file behind. */
function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function exportCsv(store: ProjectStore, out: string): { file: string; rows: number } {
  const file = existsSync(out) && statSync(out).isDirectory() ? path.join(out, 'labels.csv') : out;
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const masks = new Map<number, string[]>();
  for (const m of store.listMasks()) masks.set(m.imageId, [...(masks.get(m.imageId) ?? []), m.maskClass]);
  const labels = new Map(store.getLabels().map((l) => [l.imageId, l]));
  const lines = [csvRow(CSV_COLUMNS)];
  const { items } = store.listImages();
  for (const i of items) {
    const l = labels.get(i.id);
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
      ]),
    );
  }
  writeAtomic(file, `${lines.join('\n')}\n`);
  return { file: path.resolve(file), rows: items.length };
}

/** One binary PNG (0/255) per image and mask class, at the image's original size. */
async function exportMasks(store: ProjectStore, out: string, onProgress: (d: number, t: number) => void) {
  mkdirSync(out, { recursive: true });
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
      mkdirSync(path.join(out, m.maskClass), { recursive: true });
      writeAtomic(path.join(out, rel), await encodeGrayPng(bin.data, bin.width, bin.height));
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
  writeAtomic(path.join(out, 'masks.csv'), `${index.join('\n')}\n`);
  return { dir: path.resolve(out), masks: index.length - 1, failed };
}

export const command: Command = {
  name: 'export',
  usage: 'spcxr export DIR --format csv|masks|seg --out OUT [--deidentify] [--json]',
  summary:
    'Export labels as CSV (OUT is a file, or a folder that gets labels.csv), or masks as binary PNGs at the ' +
    'original image size (OUT/<mask class>/<id>_<name>.png plus OUT/masks.csv), as DICOM SEG (one file per ' +
    'image, one segment per mask class). --deidentify (seg) applies the DICOM PS3.15 basic profile: ' +
    'pseudonyms per patient, shifted dates, remapped UIDs, neutral file names.',
  async run({ positionals, flags, io }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const format = flags.format;
    const out = flags.out;
    if (typeof format !== 'string' || !['csv', 'masks', 'seg'].includes(format))
      throw new UsageError('--format must be csv, masks or seg');
    if (typeof out !== 'string') throw new UsageError('--out OUT is required');
    const deidentify = flags.deidentify === true;
    const store = openProject(positionals[0]);
    try {
      if (format === 'seg') {
        const r = await runInteropExport(store, format, out, {
          deidentify,
          onProgress: (d, t) => io.progress('export', d, t),
        });
        for (const w of r.warnings) io.err(`warning: ${w}`);
        for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
        io.out(`wrote ${r.written} ${format} file(s) to ${r.out}${deidentify ? ' (de-identified)' : ''}`);
        return {
          json: { ok: r.failed.length === 0, format, ...r },
          exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
        };
      }
      if (format === 'csv') {
        const r = exportCsv(store, out);
        io.out(`wrote ${r.rows} rows to ${r.file}`);
        return { json: { ok: true, format, ...r }, exitCode: EXIT_OK };
      }
      const r = await exportMasks(store, out, (d, t) => io.progress('export', d, t));
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      io.out(`wrote ${r.masks} masks to ${r.dir}`);
      return {
        json: { ok: r.failed.length === 0, format, ...r },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
