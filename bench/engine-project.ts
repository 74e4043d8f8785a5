/**
 * Shared setup of the engine benchmarks: a project over the 1000 NIH images (+ optionally
 * Kermany images), referenced in place, labels from the manifests, and the encoder's features.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../src/core/import/manifest.ts';
import { importItems } from '../src/core/import/pipeline.ts';
import type { ImportItem } from '../src/core/import/types.ts';
import { ensureFeatures } from '../src/core/model/features.ts';
import type { FeatureLayer } from '../src/core/model/types.ts';
import { createProject, openProject } from '../src/core/store/index.ts';
import type { ProjectStore } from '../src/core/store/types.ts';
import { getEncoder, projectInputLoader } from '../src/core/train/engine.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const data = path.resolve(root, '../shared/data/cxr');

export function arg(name: string, d?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : d;
}

/** Rows of a shared manifest: the first `perLabel` of each label, or the first `n` rows. */
export function sharedItems(
  dataset: string,
  pick: { n?: number; perLabel?: number; labels?: string[] } = {},
): ImportItem[] {
  const items = readManifest(path.join(data, dataset, 'manifest.csv')).items;
  if (pick.perLabel)
    return (pick.labels ?? ['normal', 'pneumonia']).flatMap((l) =>
      items.filter((i) => i.label === l).slice(0, pick.perLabel),
    );
  return pick.n ? items.slice(0, pick.n) : items;
}

/** Opens (or creates and imports) a bench project: NIH 1000 plus `extra` items. */
export async function benchProject(
  dir: string,
  extra: ImportItem[] = [],
  nih = true,
  classes = ['normal', 'pneumonia'],
): Promise<ProjectStore> {
  if (existsSync(path.join(dir, 'project.sqlite'))) return openProject(dir);
  const store = createProject(dir, { classes });
  const items = [...(nih ? sharedItems('nih_cxr14_talo') : []), ...extra];
  const r = await importItems(store, items, {
    reference: true,
    onProgress: (d, t) => d % 500 === 0 && console.error(`import ${d}/${t}`),
  });
  if (r.failed.length)
    throw new Error(`bench import: ${r.failed.length} failed, e.g. ${JSON.stringify(r.failed[0])}`);
  return store;
}

/** Computes the encoder's features for the given images (cached in the project). */
export async function benchFeatures(
  store: ProjectStore,
  encoderDir: string,
  ids: number[],
  layers: FeatureLayer[],
) {
  const enc = await getEncoder(store, { encoderDir, provider: 'cpu' });
  let last = 0;
  const r = await ensureFeatures(store, enc, ids, projectInputLoader(store, enc), layers, [0], {
    onProgress: (p) => {
      if (p.done - last >= 200 || p.done === p.total) {
        last = p.done;
        console.error(`features ${p.done}/${p.total}`);
      }
    },
  });
  return { enc, ...r };
}

export function nihIds(store: ProjectStore): number[] {
  return store.listImages({ source: 'nih_cxr14_talo', limit: 1e9 }).items.map((i) => i.id);
}
