import { kmeans } from './coldstart.ts';
import { rng, sqDist } from './vectors.ts';

export interface TypicalPick {
  index: number;
  /** Unlabelled images in the cluster this pick represents. */
  clusterSize: number;
}

/** Neighbours a typicality is measured over (TypiClust's K). */
export const TYPICALITY_K = 20;

/**
 * TypiClust (Hacohen, Dekel & Weinshall, ICML 2022): k-means the labelled and unlabelled images
 * together into |labelled| + n clusters; from the largest clusters that hold no labelled image,
 * take the most typical member, typicality being the inverse mean distance to its K nearest
 * neighbours in the cluster. Unlike the centroid-closest pick of the cold start, a dense point
 * is never an average of two modes, and the whole pool is clustered at once, so sources get
 * slots by how much of the image space they fill, not by quota.
 */
export function typiClust(
  x: Float32Array,
  dim: number,
  unlabelled: readonly number[],
  labelled: readonly number[],
  n: number,
  seed: number,
): TypicalPick[] {
  const want = Math.min(n, unlabelled.length);
  if (want <= 0) return [];
  const all = [...unlabelled, ...labelled];
  const k = Math.min(all.length, labelled.length + want);
  const { labels } = kmeans(x, dim, all, k, rng(seed));
  const clusters = Array.from({ length: k }, () => ({ members: [] as number[], covered: false }));
  all.forEach((row, r) => {
    if (r < unlabelled.length) clusters[labels[r]].members.push(row);
    else clusters[labels[r]].covered = true;
  });
  const order = clusters
    .filter((c) => c.members.length > 0)
    .sort((a, b) => Number(a.covered) - Number(b.covered) || b.members.length - a.members.length);
  const picks: TypicalPick[] = [];
  for (const c of order.slice(0, want)) {
    picks.push({ index: mostTypical(x, dim, c.members), clusterSize: c.members.length });
  }
  // Fewer non-empty clusters than slots (duplicates): top up with the next most typical anywhere.
  if (picks.length < want) {
    const taken = new Set(picks.map((p) => p.index));
    const rest = unlabelled.filter((i) => !taken.has(i));
    const t = typicality(x, dim, rest);
    rest
      .map((i, j) => ({ i, t: t[j] }))
      .sort((a, b) => b.t - a.t || a.i - b.i)
      .slice(0, want - picks.length)
      .forEach((r) => {
        picks.push({ index: r.i, clusterSize: 1 });
      });
  }
  return picks;
}

/** The member of `rows` with the highest typicality. */
export function mostTypical(x: Float32Array, dim: number, rows: readonly number[]): number {
  const t = typicality(x, dim, rows);
  let arg = 0;
  for (let i = 1; i < rows.length; i++) if (t[i] > t[arg]) arg = i;
  return rows[arg];
}

/**
 * 1 / mean distance to the K nearest other rows (K = min(20, |rows| − 1)); a lone row counts as
 * typical (1). Exact, O(|rows|²·dim): clusters hold a few hundred rows of the projected space.
 */
export function typicality(x: Float32Array, dim: number, rows: readonly number[]): Float64Array {
  const m = rows.length;
  const out = new Float64Array(m);
  const kk = Math.min(TYPICALITY_K, m - 1);
  if (kk <= 0) return out.fill(1);
  const d = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++)
      d[j] = i === j ? Number.POSITIVE_INFINITY : Math.sqrt(sqDist(x, rows[i], x, rows[j], dim));
    const near = Array.from(d).sort((a, b) => a - b);
    let s = 0;
    for (let j = 0; j < kk; j++) s += near[j];
    out[i] = s > 0 ? kk / s : Number.POSITIVE_INFINITY;
  }
  return out;
}
