import { describe, expect, it } from 'vitest';
import { boundPool } from '../../src/core/active/candidate-pool.ts';
import { classUncertainty } from '../../src/core/active/uncertainty.ts';

function input(n: number, labelledEvery: number) {
  const dim = 3;
  const embeddings = Float32Array.from({ length: n * dim }, (_, i) => Math.sin(i));
  const probs = Float32Array.from({ length: n * 2 }, (_, i) =>
    i % 2 ? 1 - ((i * 37) % 100) / 100 : ((i * 37) % 100) / 100,
  );
  const labelled = new Set<number>();
  for (let i = 0; i < n; i += labelledEvery) labelled.add(i);
  return {
    pool: {
      ids: Array.from({ length: n }, (_, i) => `id${i}`),
      dim,
      embeddings,
      sources: Array.from({ length: n }, (_, i) => (i % 3 ? 'a' : 'b')),
    },
    labelled,
    classProbs: { classes: ['x', 'y'], probs },
  };
}

describe('bounded candidate pool', () => {
  it('keeps small pools and the O(n) strategies exact', () => {
    const inp = input(50, 5);
    expect(boundPool('diversity', inp, 1).index).toHaveLength(50);
    expect(boundPool('uncertainty', input(20000, 5), 1).index).toHaveLength(20000);
  });

  it('bounds large pools, keeps the most uncertain head and maps rows back to the full pool', () => {
    const inp = input(20000, 5);
    const bounds = { size: 1000, uncertain: 200, labelled: 300 };
    const b = boundPool('hybrid', inp, 7, bounds);
    expect(b.index.length).toBe(1300);
    expect(b.labelled.size).toBe(300);
    // Every row is the full pool's row at b.index[r]: ids, embeddings, probabilities, labelled flag.
    b.index.forEach((full, r) => {
      expect(b.pool.ids[r]).toBe(inp.pool.ids[full]);
      expect(b.pool.embeddings[r * 3 + 2]).toBe(inp.pool.embeddings[full * 3 + 2]);
      expect(b.classProbs!.probs[r * 2 + 1]).toBe(inp.classProbs.probs[full * 2 + 1]);
      expect(b.labelled.has(r)).toBe(inp.labelled.has(full));
    });
    const u = classUncertainty(inp.classProbs);
    const top = [...Array(20000).keys()]
      .filter((i) => !inp.labelled.has(i))
      .sort((x, y) => u[y] - u[x] || x - y);
    const kept = new Set(b.index);
    expect(top.slice(0, 200).every((i) => kept.has(i))).toBe(true);
    // Seeded: the same pool twice, another with another seed.
    expect(boundPool('hybrid', inp, 7, bounds).index).toEqual(b.index);
    expect(boundPool('hybrid', inp, 8, bounds).index).not.toEqual(b.index);
    // Cold start keeps fewer labelled references.
    expect(boundPool('coldstart', inp, 7).labelled.size).toBe(32);
    // So does TypiClust: its k-means has one cluster per labelled reference.
    const typical = boundPool('typical', inp, 7);
    expect(typical.labelled.size).toBe(32);
    expect(typical.index.length).toBe(2032);
  });
});
