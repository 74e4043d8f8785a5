import { mulberry32, shuffle } from '../util/rng.ts';

export interface SplitItem {
  id: number;
  /** Grouping key: the patient id, or the image itself when unknown. */
  group: string;
  label: number;
  /** Stratum beside the class, e.g. the image's source: each one gets its share of validation. */
  stratum?: string;
}

/**
 * Patient-grouped validation split, stratified by class and (when given) by source: whole
 * patients go to validation, taking groups in seeded random order per majority class and
 * stratum until each has ≈ `fraction` of its images there (at least one image when it has ≥ 2
 * patients). With one stratum this is the plain class-stratified split.
 */
export function groupedSplit(
  items: SplitItem[],
  fraction: number,
  seed: number,
): { train: number[]; val: number[] } {
  const groups = new Map<string, SplitItem[]>();
  for (const it of items) {
    const g = groups.get(it.group);
    if (g) g.push(it);
    else groups.set(it.group, [it]);
  }
  const keys = shuffle([...groups.keys()].sort(), mulberry32(seed));
  // A patient's images share one source; the group's stratum is its first image's.
  const key = (label: number, g: SplitItem[]) => `${label}|${g[0].stratum ?? ''}`;
  const total = new Map<string, number>();
  const groupsPerClass = new Map<string, number>();
  for (const g of groups.values())
    for (const it of g) total.set(key(it.label, g), (total.get(key(it.label, g)) ?? 0) + 1);
  const major = (g: SplitItem[]) => {
    const c = new Map<number, number>();
    for (const it of g) c.set(it.label, (c.get(it.label) ?? 0) + 1);
    return key([...c.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0], g);
  };
  for (const k of keys) {
    const m = major(groups.get(k)!);
    groupsPerClass.set(m, (groupsPerClass.get(m) ?? 0) + 1);
  }
  const inVal = new Map<string, number>();
  const val = new Set<string>();
  for (const k of keys) {
    const g = groups.get(k)!;
    const c = major(g);
    const want = Math.max(
      (groupsPerClass.get(c) ?? 0) >= 2 ? 1 : 0,
      Math.round((total.get(c) ?? 0) * fraction),
    );
    if ((inVal.get(c) ?? 0) + g.length <= Math.max(want, 1) && (inVal.get(c) ?? 0) < want) {
      val.add(k);
      for (const it of g) inVal.set(key(it.label, g), (inVal.get(key(it.label, g)) ?? 0) + 1);
    }
  }
  const train: number[] = [];
  const v: number[] = [];
  for (const it of items) (val.has(it.group) ? v : train).push(it.id);
  return { train, val: v };
}
