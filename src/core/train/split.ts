import { mulberry32, shuffle } from '../util/rng.ts';

export interface SplitItem {
  id: number;
  /** Grouping key: the patient id, or the image itself when unknown. */
  group: string;
  label: number;
}

/**
 * Patient-grouped, class-stratified validation split: whole patients go to validation, taking
 * groups in seeded random order per majority class until each class has ≈ `fraction` of its
 * images there (at least one image per class when the class has ≥ 2 patients).
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
  const total = new Map<number, number>();
  const groupsPerClass = new Map<number, number>();
  for (const it of items) total.set(it.label, (total.get(it.label) ?? 0) + 1);
  const major = (g: SplitItem[]) => {
    const c = new Map<number, number>();
    for (const it of g) c.set(it.label, (c.get(it.label) ?? 0) + 1);
    return [...c.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  };
  for (const k of keys)
    groupsPerClass.set(major(groups.get(k)!), (groupsPerClass.get(major(groups.get(k)!)) ?? 0) + 1);
  const inVal = new Map<number, number>();
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
      for (const it of g) inVal.set(it.label, (inVal.get(it.label) ?? 0) + 1);
    }
  }
  const train: number[] = [];
  const v: number[] = [];
  for (const it of items) (val.has(it.group) ? v : train).push(it.id);
  return { train, val: v };
}
