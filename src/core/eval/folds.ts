import { mulberry32, shuffle } from '../util/rng.ts';

/**
 * Fold index per row, whole groups (patients) per fold, groups dealt in seeded random order to
 * the currently smallest fold so folds stay balanced in images.
 */
export function groupedFolds(groups: string[], k: number, seed = 0): Int32Array {
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const a = byGroup.get(g);
    if (a) a.push(i);
    else byGroup.set(g, [i]);
  });
  const keys = shuffle([...byGroup.keys()].sort(), mulberry32(seed));
  const size = new Array(k).fill(0);
  const fold = new Int32Array(groups.length);
  for (const key of keys) {
    let f = 0;
    for (let j = 1; j < k; j++) if (size[j] < size[f]) f = j;
    for (const i of byGroup.get(key)!) fold[i] = f;
    size[f] += byGroup.get(key)!.length;
  }
  return fold;
}

/** Row-major matrix of n rows × dim from per-image vectors. */
export function stack(rows: ArrayLike<number>[], dim: number): Float32Array {
  const x = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    x.set(r as Float32Array, i * dim);
  });
  return x;
}
