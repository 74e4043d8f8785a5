import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { exportProject } from '../../core/app/export.ts';
import type { JobRunner } from '../types.ts';

export const runExportJob: JobRunner<'export'> = async ({ store, params, progress, signal }) => {
  const p = jobSchemas.export.params.parse(params);
  const r = await exportProject(
    store,
    { format: p.format, out: p.out, modelId: p.modelId, deidentify: p.deidentify },
    { signal, onProgress: (done, total) => progress({ done, total, phase: 'export' }) },
  );
  if (r.failed.length)
    throw new Error(
      `export finished with errors: ${r.failed
        .slice(0, 3)
        .map((f) => `failed: ${f.file}: ${f.reason}`)
        .join('; ')}`,
    );
  return { path: r.path, files: r.files, url: p.url };
};
