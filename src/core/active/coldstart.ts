import { rng, sqDist } from './vectors.ts';

export interface ColdPick {
  index: number;
  /** Unlabelled images in the cluster this pick represents. */
  clusterSize: number;
  source: string | null;
}

/**
 * Cold start: cluster the unlabelled images of each source with k-means (k-means++ seeding)
 * and take, from the largest clusters without a labelled image, the member closest to the
 * centre: a typical image of a sizeable unlabelled group. Slots are shared between sources in
 * proportion to their size, with at least one per source while there are slots, so that a site
 * with few images is not ignored.
 */
export function coldStart(
  x: Float32Array,
  dim: number,
  unlabelled: readonly number[],
  labelled: readonly number[],
  sources: readonly (string | null)[] | undefined,
  n: number,
  seed: number,
): ColdPick[] {
  const groups = new Map<string | null, number[]>();
  for (const i of unlabelled) {
    const s = sources?.[i] ?? null;
    const g = groups.get(s);
    if (g) g.push(i);
    else groups.set(s, [i]);
  }
  const quota = allocate(
    [...groups.entries()].map(([s, rows]) => ({ key: s, size: rows.length })),
    Math.min(n, unlabelled.length),
  );
  const labelledBySource = new Map<string | null, number[]>();
  for (const i of labelled) {
    const s = sources?.[i] ?? null;
    labelledBySource.set(s, [...(labelledBySource.get(s) ?? []), i]);
  }
  const picks: ColdPick[] = [];
  const rand = rng(seed);
  for (const [source, rows] of groups) {
    const q = quota.get(source) ?? 0;
    if (q === 0) continue;
    const lab = labelledBySource.get(source) ?? [];
    // Extra clusters for the labelled images, so that groups they already cover can be skipped.
    const k = Math.min(rows.length, q + lab.length);
    const all = [...rows, ...lab];
    const assign = kmeans(x, dim, all, k, rand);
    const clusters = Array.from({ length: k }, () => ({ members: [] as number[], hasLabel: false }));
    all.forEach((row, r) => {
      const c = clusters[assign.labels[r]];
      if (r < rows.length) c.members.push(row);
      else c.hasLabel = true;
    });
    const order = clusters
      .map((c, ci) => ({ ...c, ci }))
      .filter((c) => c.members.length > 0)
      .sort((a, b) => Number(a.hasLabel) - Number(b.hasLabel) || b.members.length - a.members.length);
    for (const c of order.slice(0, q)) {
      let arg = c.members[0];
      let best = Number.POSITIVE_INFINITY;
      for (const m of c.members) {
        const d = sqDist(x, m, assign.centers, c.ci, dim);
        if (d < best) {
          best = d;
          arg = m;
        }
      }
      picks.push({ index: arg, clusterSize: c.members.length, source });
    }
  }
  return picks.sort((a, b) => b.clusterSize - a.clusterSize || a.index - b.index);
}

/**
 * Largest-remainder allocation of `slots` in proportion to size, then a floor of one per group
 * while slots last (taken from the group with the most), never more than a group's size.
 */
export function allocate<K>(groups: { key: K; size: number }[], slots: number): Map<K, number> {
  const total = groups.reduce((s, g) => s + g.size, 0);
  const want = Math.min(slots, total);
  const share = groups.map((g) => (total ? (want * g.size) / total : 0));
  const q = share.map(Math.floor);
  let rest = want - q.reduce((s, v) => s + v, 0);
  const byFrac = groups.map((_, i) => i).sort((a, b) => share[b] - q[b] - (share[a] - q[a]) || a - b);
  for (const i of byFrac) {
    if (rest <= 0) break;
    if (q[i] < groups[i].size) {
      q[i]++;
      rest--;
    }
  }
  const bySize = groups.map((_, i) => i).sort((a, b) => groups[b].size - groups[a].size || a - b);
  for (const i of bySize) {
    if (q[i] > 0 || groups[i].size === 0) continue;
    let donor = -1;
    for (let j = 0; j < q.length; j++) if (q[j] > 1 && (donor < 0 || q[j] > q[donor])) donor = j;
    if (donor < 0) break;
    q[donor]--;
    q[i]++;
  }
  return new Map(groups.map((g, i) => [g.key, q[i]]));
}

/** Lloyd's k-means over `rows` with k-means++ seeding; a few iterations are enough for picking. */
export function kmeans(
  x: Float32Array,
  dim: number,
  rows: readonly number[],
  k: number,
  rand: () => number,
  iters = 10,
): { centers: Float32Array; labels: Int32Array } {
  const centers = new Float32Array(k * dim);
  const d2 = new Float64Array(rows.length).fill(Number.POSITIVE_INFINITY);
  let c = Math.floor(rand() * rows.length);
  for (let ci = 0; ci < k; ci++) {
    centers.set(x.subarray(rows[c] * dim, rows[c] * dim + dim), ci * dim);
    let total = 0;
    for (let r = 0; r < rows.length; r++) {
      const d = sqDist(x, rows[r], centers, ci, dim);
      if (d < d2[r]) d2[r] = d;
      total += d2[r];
    }
    let t = rand() * total;
    c = rows.length - 1;
    for (let r = 0; r < rows.length; r++) {
      t -= d2[r];
      if (t <= 0) {
        c = r;
        break;
      }
    }
  }
  const labels = new Int32Array(rows.length);
  for (let it = 0; it < iters; it++) {
    let changed = false;
    for (let r = 0; r < rows.length; r++) {
      let arg = 0;
      let best = Number.POSITIVE_INFINITY;
      for (let ci = 0; ci < k; ci++) {
        const d = sqDist(x, rows[r], centers, ci, dim);
        if (d < best) {
          best = d;
          arg = ci;
        }
      }
      if (labels[r] !== arg) changed = true;
      labels[r] = arg;
    }
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    for (let r = 0; r < rows.length; r++) {
      counts[labels[r]]++;
      for (let j = 0; j < dim; j++) sums[labels[r] * dim + j] += x[rows[r] * dim + j];
    }
    for (let ci = 0; ci < k; ci++) {
      if (counts[ci] === 0) continue;
      for (let j = 0; j < dim; j++) centers[ci * dim + j] = sums[ci * dim + j] / counts[ci];
    }
    if (!changed && it > 0) break;
  }
  return { centers, labels };
}
