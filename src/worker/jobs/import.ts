import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { releaseUploads, uploadFolder } from '../../core/import/incoming.ts';
import { runImport } from '../../core/import/pipeline.ts';
import type { JobRunner } from '../types.ts';

/** The store's import pipeline, with its own cancellation between files (commits stay). */
export const runImportJob: JobRunner<'import'> = async ({ store, params, signal, progress }) => {
  const p = jobSchemas.import.params.parse(params);
  progress({ done: 0, total: 0, phase: 'importing' });
  // Uploads are deleted after the import, so they must be copied, never referenced.
  const uploads = p.paths.filter((f) => uploadFolder(store.dir, f) !== null);
  const result = await runImport(
    store,
    { paths: p.paths, manifests: p.manifest ? [p.manifest] : [] },
    {
      reference: !p.copy && uploads.length === 0,
      source: p.source,
      signal,
      onProgress: (done, total) => progress({ done, total, phase: 'importing' }),
    },
  );
  releaseUploads(store.dir, uploads);
  return result;
};
