/**
 * Bounded candidate pool for one suggestion pass, so every strategy costs the same at 5k and
 * at 112k images. Distance-based strategies (diversity, cold start, hybrid's diverse part) are
 * O(candidates × labelled); above the bounds they run on a seeded sample instead of everything:
 *   - unlabelled: the `uncertain` most uncertain images (when a classifier scored them, so the
 *     exact uncertainty ranking's head is always in), plus a seeded random sample up to `size`;
 *   - labelled: a seeded sample of at most `labelled` images (they only mark covered regions).
 * Cold start and TypiClust (`typical`) run k-means with one cluster per labelled reference on
 * top of their picks, so they get tighter bounds (2,000 candidates, 32 labelled references):
 * with the default bounds a 50k `typical` pass clustered 6,000 rows into ~2,000 clusters (17 s).
 * Cold start serves projects without a classifier, which have few labels anyway.
 * Uncertainty, balanced and random stay exact (they are O(n) and need no distances). The loss against
 * the exact pass is measured in bench/scale.ts (overlap of picks and coverage ratio).
 */
import type { MaskStats, Pool, StrategyName } from './types.ts';
import { classUncertainty } from './uncertainty.ts';

export interface PoolBounds {
  /** Unlabelled candidates kept (default 4,000). */
  size: number;
  /** Of those, the most uncertain ones (default 1,000). */
  uncertain: number;
  /** Labelled images kept as references (default 2,000). */
  labelled: number;
}

export const DEFAULT_BOUNDS: PoolBounds = { size: 4000, uncertain: 1000, labelled: 2000 };
/**
 * Diversity's k-center measures every candidate against every labelled reference, so its cost
 * is candidates × references: 1,000 references keep a 50k pass under a second (2,000 took 1.3 s
 * under load), with picks as far from the labelled set as the exact ones (docs/BENCHMARKS.md).
 */
const DIVERSITY: PoolBounds = { size: 4000, uncertain: 1000, labelled: 1000 };
const COLDSTART: PoolBounds = { size: 2000, uncertain: 0, labelled: 32 };

export interface BoundedInput {
  pool: Pool;
  labelled: Set<number>;
  classProbs?: { classes: string[]; probs: Float32Array };
  maskStats?: (MaskStats | null)[];
  /** Pool index of each kept row in the full pool. */
  index: number[];
}

/**
 * A seeded sample of `k` rows that is stable across passes: each image gets a fixed pseudo-random
 * key from its id and the seed, and the `k` smallest keys win (bottom-k sampling). Labelling a
 * few images changes the sample by about that many rows, so a worker that keeps projected rows
 * between passes (core/active/resident.ts) projects only the newcomers.
 */
export function sample(rows: number[], ids: readonly string[], k: number, seed: number): number[] {
  if (rows.length <= k) return rows;
  const key = (r: number) => idKey(ids[r], seed);
  // Keys are uniform: a threshold a little above k/len keeps ~1.2k rows to sort, not all.
  const t = Math.min(1, (1.2 * k) / rows.length + 0.01) * 2 ** 32;
  let keep = rows.filter((r) => key(r) < t);
  if (keep.length < k) keep = rows.slice();
  return keep
    .map((r) => ({ r, k: key(r) }))
    .sort((a, b) => a.k - b.k || a.r - b.r)
    .slice(0, k)
    .map((e) => e.r)
    .sort((x, y) => x - y);
}

/** FNV-1a of the id, mixed with the seed (murmur3 finaliser): a uniform 32-bit key. */
function idKey(id: string, seed: number): number {
  let h = 0x811c9dc5 ^ Math.imul(seed, 0x9e3779b1);
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The pool to run `strategy` on: the input itself when it is within bounds. */
export function boundPool(
  strategy: StrategyName | 'coldstart',
  input: Omit<BoundedInput, 'index'>,
  seed: number,
  given?: PoolBounds,
): BoundedInput {
  const bounds =
    given ??
    (strategy === 'coldstart' || strategy === 'typical'
      ? COLDSTART
      : strategy === 'diversity'
        ? DIVERSITY
        : DEFAULT_BOUNDS);
  const n = input.pool.ids.length;
  const full = { ...input, index: Array.from({ length: n }, (_, i) => i) };
  if (strategy === 'uncertainty' || strategy === 'balanced' || strategy === 'random') return full;
  const labCap = bounds.labelled;
  const unl: number[] = [];
  for (let i = 0; i < n; i++) if (!input.labelled.has(i)) unl.push(i);
  const lab = [...input.labelled].sort((a, b) => a - b);
  if (unl.length <= bounds.size && lab.length <= labCap) return full;

  let keepUnl: number[];
  if (unl.length <= bounds.size) keepUnl = unl;
  else {
    const head = new Set<number>();
    if (input.classProbs && (strategy === 'hybrid' || strategy === 'switch')) {
      const u = classUncertainty(input.classProbs);
      const order = unl.slice().sort((a, b) => u[b] - u[a] || a - b);
      for (const i of order.slice(0, bounds.uncertain)) head.add(i);
    }
    const rest = unl.filter((i) => !head.has(i));
    keepUnl = [...head, ...sample(rest, input.pool.ids, bounds.size - head.size, seed)].sort((a, b) => a - b);
  }
  const keepLab = sample(lab, input.pool.ids, labCap, seed + 1);
  const index = [...keepUnl, ...keepLab].sort((a, b) => a - b);
  const { dim, embeddings, ids, sources } = input.pool;
  // A pool without embeddings (the worker's resident space stands in for them) stays without.
  const emb = new Float32Array(embeddings.length ? index.length * dim : 0);
  if (emb.length)
    index.forEach((i, r) => {
      emb.set(embeddings.subarray(i * dim, (i + 1) * dim), r * dim);
    });
  const labelledSet = new Set<number>();
  const isLab = new Set(keepLab);
  index.forEach((i, r) => {
    if (isLab.has(i)) labelledSet.add(r);
  });
  let classProbs = input.classProbs;
  if (classProbs) {
    const k = classProbs.classes.length;
    const probs = new Float32Array(index.length * k);
    index.forEach((i, r) => {
      probs.set(classProbs!.probs.subarray(i * k, (i + 1) * k), r * k);
    });
    classProbs = { ...classProbs, probs };
  }
  return {
    pool: {
      ...input.pool,
      ids: index.map((i) => ids[i]),
      dim,
      embeddings: emb,
      sources: sources ? index.map((i) => sources[i]) : undefined,
    },
    labelled: labelledSet,
    classProbs,
    maskStats: input.maskStats ? index.map((i) => input.maskStats![i]) : undefined,
    index,
  };
}
