import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { assertSafeExportPath, writeExportFile } from '../../core/export/safe-path.ts';
import { decodeMaskPng, encodeGrayPng } from '../../core/imaging/index.ts';
import { csvRow } from '../../core/import/csv.ts';
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

/** Creates an export folder after checking it is not (or not inside) the project's own files. */
function mkdirSafe(store: ProjectStore, dir: string): void {
  assertSafeExportPath(store.dir, dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function exportCsv(store: ProjectStore, out: string): { file: string; rows: number } {
  const file = existsSync(out) && statSync(out).isDirectory() ? path.join(out, 'labels.csv') : out;
  mkdirSafe(store, path.dirname(path.resolve(file)));
  assertSafeExportPath(store.dir, file);
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
  return { file: writeExportFile(store.dir, file, `${lines.join('\n')}\n`), rows: items.length };
}

/** One binary PNG (0/255) per image and mask class, at the image's original size. */
async function exportMasks(store: ProjectStore, out: string, onProgress: (d: number, t: number) => void) {
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

export const command: Command = {
  name: 'export',
  usage: 'spcxr export DIR --format csv|masks --out OUT [--json]',
  summary:
    'Export labels as CSV (OUT is a file, or a folder that gets labels.csv), or masks as binary PNGs at the ' +
    'original image size (OUT/<mask class>/<id>_<name>.png plus OUT/masks.csv).',
  async run({ positionals, flags, io }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const format = flags.format;
    const out = flags.out;
    if (format !== 'csv' && format !== 'masks') throw new UsageError('--format must be csv or masks');
    if (typeof out !== 'string') throw new UsageError('--out OUT is required');
    const store = openProject(positionals[0]);
    try {
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
