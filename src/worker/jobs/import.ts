import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { runImport } from '../../core/import/pipeline.ts';
import type { JobRunner } from '../types.ts';

/** The store's import pipeline, with its own cancellation between files (commits stay). */
export const runImportJob: JobRunner<'import'> = async ({ store, params, signal, progress }) => {
  const p = jobSchemas.import.params.parse(params);
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
