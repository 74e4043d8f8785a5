import { runImport } from '../../core/import/pipeline.ts';
import { openProject } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

const str = (v: string | boolean | undefined, flag: string): string | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${flag} needs a value`);
  return v;
};

export const command: Command = {
  name: 'import',
  usage:
    'spcxr import DIR [PATH...] [--manifest CSV] [--reference] [--source NAME] [--author NAME] [--concurrency N] [--json]',
  summary:
    'Import image files and folders (recursive) and/or a manifest CSV (file,label,mask,patient_id,source). ' +
    'Copies images into the project unless --reference; duplicates are detected by content hash.',
  async run({ positionals, flags, io }) {
    const [dir, ...paths] = positionals;
    const manifest = str(flags.manifest, 'manifest');
    if (!dir) throw new UsageError('missing project folder');
    if (paths.length === 0 && !manifest)
      throw new UsageError('nothing to import: give paths and/or --manifest CSV');
    const concurrency = flags.concurrency === undefined ? undefined : Number(flags.concurrency);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
      throw new UsageError('--concurrency needs a positive integer');
    }
    const store = openProject(dir);
    try {
      const r = await runImport(
        store,
        { paths, manifests: manifest ? [manifest] : [] },
        {
          reference: flags.reference === true,
          source: str(flags.source, 'source'),
          author: str(flags.author, 'author'),
          concurrency,
          onProgress: (done, total) => io.progress('import', done, total),
        },
      );
      for (const f of r.failed) io.err(`failed: ${f.file}: ${f.reason}`);
      for (const s of r.skipped) io.err(`skipped: ${s.file}: ${s.reason}`);
      for (const w of r.warnings) io.err(`warning (${w.kind}): ${w.file}: ${w.message}`);
      for (const c of r.labelConflicts) {
        io.err(`kept project label '${c.project}' for ${c.file} (manifest says '${c.manifest}')`);
      }
      if (r.classesAdded.length) io.err(`added classes to the schema: ${r.classesAdded.join(', ')}`);
      const rate = r.ms > 0 ? (r.total / (r.ms / 1000)).toFixed(1) : '–';
      io.out(
        `imported ${r.added} new, ${r.duplicates} already present, ${r.failed.length} failed, ${r.warnings.length} warnings, ` +
          `${r.labelsSet} labels, ${r.masksSet} masks (${r.total} files, ${(r.ms / 1000).toFixed(1)} s, ${rate} img/s)`,
      );
      return {
        json: { ok: r.failed.length === 0, dir: store.dir, ...r },
        exitCode: r.failed.length ? EXIT_PARTIAL : EXIT_OK,
      };
    } finally {
      store.close();
    }
  },
};
