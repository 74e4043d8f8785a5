import os from 'node:os';
import { ImageDecodeError } from '../imaging/index.ts';
import type { ProjectStore } from '../store/index.ts';
import { readManifest } from './manifest.ts';
import { decodeCost, MemoryBudget } from './memory-budget.ts';
import { prepare } from './prepare.ts';
import type { ImportItem, ImportOptions, ImportResult } from './types.ts';
import { expandPaths } from './walk.ts';
import { BatchWriter } from './writer.ts';

export interface ImportInputs {
  /** Files and folders (recursive). */
  paths?: string[];
  /** Manifest CSVs. */
  manifests?: string[];
}

export function emptyResult(): ImportResult {
  return {
    total: 0,
    added: 0,
    duplicates: 0,
    labelsSet: 0,
    masksSet: 0,
    labelConflicts: [],
    classesAdded: [],
    skipped: [],
    failed: [],
    warnings: [],
    cancelled: false,
    ms: 0,
  };
}

/** Expands inputs and imports them; see `importItems`. */
export async function runImport(store: ProjectStore, inputs: ImportInputs, opts: ImportOptions = {}) {
  const result = emptyResult();
  const items: ImportItem[] = [];
  if (inputs.paths?.length) {
    const ex = expandPaths(inputs.paths);
    items.push(...ex.items);
    result.skipped.push(...ex.skipped);
    result.failed.push(...ex.failed);
  }
  for (const csv of inputs.manifests ?? []) {
    try {
      const m = readManifest(csv);
      items.push(...m.items);
      result.failed.push(...m.failed);
    } catch (e) {
      result.failed.push({ file: csv, reason: (e as Error).message.replace(/^.*?: /, '') });
    }
  }
  return importItems(store, items, opts, result);
}

/**
 * Imports items with bounded concurrency: at most `concurrency` files are read and decoded at
 * once, prepared rows are committed in small batches, so memory stays flat however many files
 * there are. Each failure is recorded with its file and the import goes on.
 */
export async function importItems(
  store: ProjectStore,
  items: ImportItem[],
  opts: ImportOptions = {},
  result: ImportResult = emptyResult(),
): Promise<ImportResult> {
  const t0 = performance.now();
  result.total += items.length;
  const writer = new BatchWriter(store, result, opts.author ?? 'import');
  const concurrency = Math.max(1, opts.concurrency ?? Math.min(4, 2 * os.availableParallelism()));
  // Hashes seen in this run: a second copy of a file is a duplicate even before its row exists.
  const seen = new Set<string>();
  const knownSha = (sha: string) => {
    if (seen.has(sha)) return true;
    seen.add(sha);
    return store.findImageBySha(sha) !== null;
  };
  const budget = new MemoryBudget();
  let next = 0;
  let done = 0;
  const tick = (n: number) => {
    done += n;
    if (n) opts.onProgress?.(done, items.length);
  };
  const worker = async () => {
    while (next < items.length && !opts.signal?.aborted) {
      const index = next++;
      const item = items[index];
      try {
        const cost = await decodeCost(item.file);
        await budget.acquire(cost);
        let p: Awaited<ReturnType<typeof prepare>>;
        try {
          p = await prepare(
            item,
            store.dir,
            { reference: opts.reference ?? false, thumbSize: opts.thumbSize ?? 256, source: opts.source },
            knownSha,
          );
        } finally {
          budget.release(cost);
        }
        if (p.maskFailure) result.failed.push(p.maskFailure);
        tick(
          'duplicate' in p
            ? writer.push(index, { item, sha256: p.sha256, maskPng: p.maskPng })
            : writer.push(index, { item, image: p.image, sha256: p.image.sha256, maskPng: p.maskPng }),
        );
      } catch (e) {
        const where = item.origin ? ` (${item.origin})` : '';
        const reason = e instanceof ImageDecodeError ? e.reason : (e as Error).message;
        result.failed.push({ file: item.file, reason: `${reason}${where}` });
        tick(1 + writer.push(index, null));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  tick(writer.finish());
  result.cancelled = done < items.length;
  result.ms = Math.round(performance.now() - t0);
  return result;
}
