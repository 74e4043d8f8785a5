import { mulberry32, shuffle } from '../util/rng.ts';

/** One image: its group (patient) and the class it is stratified by (one class: 0 for all). */
export interface FoldItem {
  group: string;
  label: number;
}

/**
 * The one grouped k-fold of the app (training's cross-validation, the source probe and the
 * out-of-distribution calibration). Patient-grouped, class-stratified k-fold assignment: every image of a patient lands in the
 * same fold, and each class is spread as evenly as its patients allow. Groups are dealt per
 * (majority) class in seeded random order, largest first, each to the fold that holds the
 * fewest images of that class so far. Returns the fold index of every item, in input order.
 */
export function groupedFolds(items: FoldItem[], k: number, seed: number): Int32Array {
  const groups = new Map<string, number[]>();
  items.forEach((it, i) => {
    const g = groups.get(it.group);
    if (g) g.push(i);
    else groups.set(it.group, [i]);
  });
  const major = (idx: number[]) => {
    const c = new Map<number, number>();
    for (const i of idx) c.set(items[i].label, (c.get(items[i].label) ?? 0) + 1);
    return [...c.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  };
  const rand = mulberry32(seed);
  // Shuffle first, then a stable sort by size: ties keep the seeded order.
  const keys = shuffle([...groups.keys()].sort(), rand).sort(
    (a, b) => groups.get(b)!.length - groups.get(a)!.length,
  );
  const load = new Map<number, Float64Array>();
  const fold = new Int32Array(items.length);
  for (const key of keys) {
    const idx = groups.get(key)!;
    const c = major(idx);
    if (!load.has(c)) load.set(c, new Float64Array(k));
    const l = load.get(c)!;
    // Fewest images of this class; among equals, a seeded random fold (not always fold 0).
    let best = -1;
    const start = Math.floor(rand() * k);
    for (let q = 0; q < k; q++) {
      const f = (start + q) % k;
      if (best < 0 || l[f] < l[best]) best = f;
    }
    l[best] += idx.length;
    for (const i of idx) fold[i] = best;
  }
  return fold;
}

/** Patients per class (by majority label), the bound on k for a grouped k-fold. */
export function groupsPerClass(items: FoldItem[]): Map<number, number> {
  const byGroup = new Map<string, Map<number, number>>();
  for (const it of items) {
    const m = byGroup.get(it.group) ?? new Map<number, number>();
    m.set(it.label, (m.get(it.label) ?? 0) + 1);
    byGroup.set(it.group, m);
  }
  const out = new Map<number, number>();
  for (const m of byGroup.values()) {
    const c = [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    out.set(c, (out.get(c) ?? 0) + 1);
  }
  return out;
}
