import { z } from 'zod';
import { ExportParams } from '../../core/api/schemas/app.ts';
import { exportProject } from '../../core/app/export.ts';
import type { JobRunner } from '../types.ts';

/** The handler resolves `out` (inside the project unless the shell allows otherwise) and its URL. */
const WorkerExportParams = ExportParams.extend({ out: z.string(), url: z.string().nullable() });

export const runExportJob: JobRunner = async ({ store, params, progress, signal }) => {
  const p = WorkerExportParams.parse(params);
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
