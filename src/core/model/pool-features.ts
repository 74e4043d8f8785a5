import type { ProjectStore } from '../store/types.ts';
import type { Encoder } from './encoder.ts';
import { type EnsureResult, ensureFeatures } from './features.ts';
import { projectInputLoader } from './project-input.ts';
import type { RunControl } from './types.ts';

/**
 * What suggestions and the linear head read, cached for `ids` in one encoder pass: `pooled`
 * (active learning's embeddings) and `pooled3` (the small-set linear head's input), unaugmented.
 * One definition, so the features job and a suggestion pass never cache different layer sets.
 */
export function ensurePoolFeatures(
  store: ProjectStore,
  encoder: Encoder,
  ids: number[],
  ctl: RunControl = {},
): Promise<EnsureResult> {
  return ensureFeatures(
    store,
    encoder,
    ids,
    projectInputLoader(store, encoder),
    ['pooled', 'pooled3'],
    [0],
    ctl,
  );
}
