import { ImportParams } from '../../core/api/schemas/jobs.ts';
import { readManifest } from '../../core/import/manifest.ts';
import { emptyResult, importItems } from '../../core/import/pipeline.ts';
import type { ImportItem } from '../../core/import/types.ts';
import { expandPaths } from '../../core/import/walk.ts';
import type { JobRunner } from '../types.ts';

/** Items per commit group: cancellation takes effect between groups, never inside one. */
const CHUNK = 8;

export const runImportJob: JobRunner = async ({ store, params, signal, progress }) => {
  const p = ImportParams.parse(params);
  const t0 = performance.now();
  const result = emptyResult();
  const items: ImportItem[] = [];
  if (p.paths.length) {
    const ex = expandPaths(p.paths);
    items.push(...ex.items);
    result.skipped.push(...ex.skipped);
    result.failed.push(...ex.failed);
  }
  if (p.manifest) {
    const m = readManifest(p.manifest);
    items.push(...m.items);
    result.failed.push(...m.failed);
  }
  if (p.source) for (const it of items) it.source ??= p.source;
  progress({ done: 0, total: items.length, phase: 'importing' });
  for (let i = 0; i < items.length; i += CHUNK) {
    signal.throwIfAborted();
    const chunk = items.slice(i, i + CHUNK);
    await importItems(store, chunk, { reference: !p.copy, author: 'import' }, result);
    progress({ done: Math.min(items.length, i + CHUNK), total: items.length, phase: 'importing' });
  }
  result.total = items.length;
  result.ms = Math.round(performance.now() - t0);
  return result;
};
