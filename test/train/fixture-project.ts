/** Builds small real projects from ../shared/data for engine tests (images referenced, not copied). */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readManifest } from '../../src/core/import/manifest.ts';
import { importItems } from '../../src/core/import/pipeline.ts';
import type { ImportItem } from '../../src/core/import/types.ts';
import { createProject } from '../../src/core/store/index.ts';
import type { ProjectStore } from '../../src/core/store/types.ts';
import { repoRoot } from '../model/golden.ts';

export const dataDir = path.resolve(repoRoot, '../shared/data/cxr');

/** The first `perClass` rows of each listed label from a shared manifest. */
export function manifestItems(
  dataset: string,
  perClass: number,
  labels: string[],
  filter?: (i: ImportItem) => boolean,
): ImportItem[] {
  const m = readManifest(path.join(dataDir, dataset, 'manifest.csv'));
  const out: ImportItem[] = [];
  for (const l of labels)
    out.push(...m.items.filter((i) => i.label === l && (!filter || filter(i))).slice(0, perClass));
  return out;
}

export async function projectWith(items: ImportItem[], classes: string[]): Promise<ProjectStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-engine-'));
  const store = createProject(dir, { classes });
  const r = await importItems(store, items, { reference: true, concurrency: 2 });
  if (r.failed.length) throw new Error(`fixture import failed: ${JSON.stringify(r.failed.slice(0, 3))}`);
  return store;
}
