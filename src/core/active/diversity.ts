import { minSqDist, sqDist, updateMinSqDist } from './vectors.ts';

export interface KCenterResult {
  /** Chosen indices (into the embedding matrix), in pick order. */
  picked: number[];
  /** Squared distance of each pick to its nearest labelled-or-already-picked point when picked. */
  gaps: number[];
  /** Squared distance of every candidate to its nearest labelled image (before any pick). */
  baseline: Float32Array;
}

/**
 * Core-set k-center greedy (Sener & Savarese 2018): repeatedly take the candidate farthest from
 * everything labelled or already picked. Each pick maximises the current minimum distance, so a
 * batch covers the embedding space instead of piling onto one region.
 */
export function kCenterGreedy(
  x: Float32Array,
  dim: number,
  candidates: readonly number[],
  labelled: readonly number[],
  k: number,
): KCenterResult {
  const picked: number[] = [];
  const gaps: number[] = [];
  const best = minSqDist(x, dim, candidates, labelled);
  const baseline = best.slice();
  if (candidates.length === 0 || k <= 0) return { picked, gaps, baseline };
  const taken = new Uint8Array(candidates.length);
  if (labelled.length === 0) {
    // Nothing to be far from yet: start from the most central candidate (a typical image).
    const c0 = medoidish(x, dim, candidates);
    taken[c0] = 1;
    picked.push(candidates[c0]);
    gaps.push(Number.POSITIVE_INFINITY);
    best.fill(Number.POSITIVE_INFINITY);
    updateMinSqDist(x, dim, candidates, candidates[c0], best);
  }
  while (picked.length < Math.min(k, candidates.length)) {
    let arg = -1;
    for (let r = 0; r < candidates.length; r++) {
      if (!taken[r] && (arg < 0 || best[r] > best[arg])) arg = r;
    }
    taken[arg] = 1;
    picked.push(candidates[arg]);
    gaps.push(best[arg]);
    updateMinSqDist(x, dim, candidates, candidates[arg], best);
  }
  return { picked, gaps, baseline };
}

/** Index (into rows) of the row closest to the rows' mean. */
export function medoidish(x: Float32Array, dim: number, rows: readonly number[]): number {
  const mean = new Float32Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) mean[j] += x[r * dim + j] / rows.length;
  let arg = 0;
  let bestD = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const d = sqDist(x, rows[i], mean, 0, dim);
    if (d < bestD) {
      bestD = d;
      arg = i;
    }
  }
  return arg;
}
