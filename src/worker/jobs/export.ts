import { z } from 'zod';
import { command as exportCommand } from '../../cli/commands/export.ts';
import { ExportParams } from '../../core/api/schemas/app.ts';
import { exportBundle } from '../../core/train/index.ts';
import type { JobRunner } from '../types.ts';

/** The handler resolves `out` (inside the project unless the shell allows otherwise) and its URL. */
const WorkerExportParams = ExportParams.extend({ out: z.string(), url: z.string().nullable() });

/**
 * CSV and masks reuse the CLI's export command (same files, same atomic writes), driven through
 * its public Command interface; the model bundle comes from the engine.
 */
export const runExportJob: JobRunner = async ({ store, params, progress, signal }) => {
  const p = WorkerExportParams.parse(params);
  signal.throwIfAborted();
  if (p.format === 'model') {
    const card = await exportBundle(store, p.modelId, p.out);
    return { path: p.out, files: Object.keys(card.files).length + 1, url: p.url };
  }
  const errors: string[] = [];
  const { json, exitCode } = await exportCommand.run({
    positionals: [store.dir],
    flags: { format: p.format, out: p.out },
    json: true,
    io: {
      out: () => {},
      err: (line) => errors.push(line),
      progress: (_label, done, total) => progress({ done, total, phase: 'export' }),
    },
  });
  if (exitCode !== 0) throw new Error(`export finished with errors: ${errors.slice(0, 3).join('; ')}`);
  const files = p.format === 'csv' ? 1 : Number(json.masks ?? 0) + 1;
  const path = String(json.file ?? json.dir ?? p.out);
  return { path, files, url: p.url };
};
