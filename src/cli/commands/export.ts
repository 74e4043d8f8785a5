import { type ExportFormat, exportProject } from '../../core/app/export.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

const FORMATS: ExportFormat[] = ['csv', 'masks', 'seg', 'coco', 'nnunet'];

export const command: Command = {
  name: 'export',
  usage: 'spcxr export DIR --format csv|masks|seg|coco|nnunet --out OUT [--deidentify] [--json]',
  summary:
    'Export labels as CSV (OUT is a file, or a folder that gets labels.csv), masks as binary PNGs at the ' +
    'original image size (OUT/<mask class>/<id>_<name>.png plus OUT/masks.csv), or DICOM SEG (one file ' +
    'per image, one segment per mask class, plus OUT/seg.csv), COCO JSON (OUT/annotations.json + images/) ' +
    'or the nnU-Net raw layout (OUT/Dataset001_SPCXR). --deidentify applies the DICOM PS3.15 basic ' +
    'profile: pseudonyms per patient, shifted dates, remapped UIDs, neutral file names.',
  async run({ positionals, flags, io }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const format = flags.format as ExportFormat;
    const out = flags.out;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    if (typeof out !== 'string') throw new UsageError('--out OUT is required');
    const deidentify = flags.deidentify === true;
    const store = openProject(positionals[0]);
    try {
      const r = await exportProject(
        store,
        { format, out, deidentify },
        { onProgress: (d, t) => io.progress('export', d, t) },
      );
      for (const w of r.warnings ?? []) io.err(`warning: ${w}`);
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      if (format === 'csv' && !deidentify) {
        io.out(`wrote ${r.count} rows to ${r.path}`);
        return { json: { ok: true, format, file: r.path, rows: r.count }, exitCode: EXIT_OK };
      }
      if (format === 'masks' && !deidentify) {
        io.out(`wrote ${r.count} masks to ${r.path}`);
        return {
          json: { ok: r.failed.length === 0, format, dir: r.path, masks: r.count, failed: r.failed },
          exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
        };
      }
      io.out(`wrote ${r.count} ${format} file(s) to ${r.path}${deidentify ? ' (de-identified)' : ''}`);
      return {
        json: { ok: r.failed.length === 0, ...r, dir: r.path, written: r.count, deidentified: deidentify },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
