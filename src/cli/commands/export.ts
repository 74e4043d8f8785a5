import { exportProject } from '../../core/app/export.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

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
      const r = await exportProject(
        store,
        { format, out },
        { onProgress: (d, t) => io.progress('export', d, t) },
      );
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      if (format === 'csv') {
        io.out(`wrote ${r.count} rows to ${r.path}`);
        return { json: { ok: true, format, file: r.path, rows: r.count }, exitCode: EXIT_OK };
      }
      io.out(`wrote ${r.count} masks to ${r.path}`);
      return {
        json: { ok: r.failed.length === 0, format, dir: r.path, masks: r.count, failed: r.failed },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
