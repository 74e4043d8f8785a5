import { ImportParams } from '../../core/api/schemas/jobs.ts';
import { runImport } from '../../core/import/pipeline.ts';
import type { JobRunner } from '../types.ts';

/** The store's import pipeline, with its own cancellation between files (commits stay). */
export const runImportJob: JobRunner = async ({ store, params, signal, progress }) => {
  const p = ImportParams.parse(params);
  progress({ done: 0, total: 0, phase: 'importing' });
  return runImport(
    store,
    { paths: p.paths, manifests: p.manifest ? [p.manifest] : [] },
    {
      reference: !p.copy,
      source: p.source,
      signal,
      onProgress: (done, total) => progress({ done, total, phase: 'importing' }),
    },
  );
};
