import { describe, expect, it } from 'vitest';
import { groupedSplit, type SplitItem } from '../../src/core/train/split.ts';

/** n patients per (class, source), one image each, like the bundled sample. */
function items(perStratum: number, sources: string[], withStratum = true): SplitItem[] {
  const out: SplitItem[] = [];
  for (const source of sources)
    for (const label of [0, 1])
      for (let p = 0; p < perStratum; p++)
        out.push({
          id: out.length,
          group: `${source}-${label}-${p}`,
          label,
          ...(withStratum ? { stratum: source } : {}),
        });
  return out;
}

describe('groupedSplit', () => {
  it('gives every class of every source its share of validation', () => {
    const all = items(8, ['nih', 'kermany']);
    for (const seed of [1, 2, 3, 42]) {
      const { val } = groupedSplit(all, 0.2, seed);
      const held = val.map((id) => all[id]);
      for (const source of ['nih', 'kermany'])
        for (const label of [0, 1])
          expect(held.filter((i) => i.stratum === source && i.label === label).length, `seed ${seed}`).toBe(
            2,
          );
    }
  });

  it('is the plain class-stratified split when there is one source', () => {
    const plain = items(20, ['nih'], false);
    const one = items(20, ['nih']);
    for (const seed of [1, 7]) expect(groupedSplit(one, 0.2, seed)).toEqual(groupedSplit(plain, 0.2, seed));
  });

  it('keeps every patient on one side', () => {
    const all = items(6, ['a', 'b']).map((i) => ({ ...i, group: `p${Math.floor(i.id / 2)}` }));
    const { train, val } = groupedSplit(all, 0.25, 3);
    const side = new Map<string, string>();
    for (const [ids, name] of [
      [train, 'train'],
      [val, 'val'],
    ] as const)
      for (const id of ids) {
        expect(side.get(all[id].group) ?? name).toBe(name);
        side.set(all[id].group, name);
      }
  });
});
