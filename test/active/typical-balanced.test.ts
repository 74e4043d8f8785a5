/** The typicality, class-balanced and switching strategies on real embeddings (micro encoder). */
import { beforeAll, expect, it } from 'vitest';
import { balancedUncertain } from '../../src/core/active/balanced.ts';
import { kmeans } from '../../src/core/active/coldstart.ts';
import { suggest } from '../../src/core/active/suggest.ts';
import { type ClassProbs, needsModel, type Pool, STRATEGIES } from '../../src/core/active/types.ts';
import { typiClust, typicality } from '../../src/core/active/typical.ts';
import { classUncertainty, topTwo } from '../../src/core/active/uncertainty.ts';
import { centerNormalize, rng } from '../../src/core/active/vectors.ts';
import { describeShared } from '../shared-data.ts';
import { realPoolWithClassifier } from './real-embeddings.ts';

let pool: Pool;
let probs: ClassProbs;
let labelled: Set<number>;

beforeAll(async () => {
  ({ pool, probs, labelled } = await realPoolWithClassifier());
});

describeShared('typical (TypiClust)', () => {
  it('takes the most typical member of each of the largest clusters without a label', () => {
    const x = centerNormalize(pool.embeddings, pool.dim);
    const lab = [...labelled];
    const unl = pool.ids.map((_, i) => i).filter((i) => !labelled.has(i));
    const n = 5;
    const picks = typiClust(x, pool.dim, unl, lab, n, 3);
    // The same clustering, recomputed: |labelled| + n clusters over everything.
    const { labels } = kmeans(x, pool.dim, [...unl, ...lab], lab.length + n, rng(3));
    const members = new Map<number, number[]>();
    const covered = new Set<number>();
    [...unl, ...lab].forEach((row, r) => {
      if (r < unl.length) members.set(labels[r], [...(members.get(labels[r]) ?? []), row]);
      else covered.add(labels[r]);
    });
    const open = [...members.entries()].filter(([c]) => !covered.has(c));
    const sizes = open.map(([, m]) => m.length).sort((a, b) => b - a);
    expect(picks.map((p) => p.clusterSize).sort((a, b) => b - a)).toEqual(sizes.slice(0, n));
    for (const p of picks) {
      const [, m] = open.find(([, mm]) => mm.includes(p.index))!;
      const t = typicality(x, pool.dim, m);
      expect(t[m.indexOf(p.index)]).toBe(Math.max(...t));
      expect(labelled.has(p.index)).toBe(false);
    }
  });

  it('is its own cold start: no fallback with no labels, and the picks are typical, distinct images', () => {
    const r = suggest({ pool, labelled: new Set(), task: 'classify', strategy: 'typical', n: 6, seed: 2 });
    expect(r.used).toBe('typical');
    expect(r.fallback).toBeUndefined();
    expect(new Set(r.suggestions.map((s) => s.index)).size).toBe(6);
    for (const s of r.suggestions) expect(s.reasonCode).toBe('typical-cluster');
    // Repeatable with a seed.
    const again = suggest({
      pool,
      labelled: new Set(),
      task: 'classify',
      strategy: 'typical',
      n: 6,
      seed: 2,
    });
    expect(again.suggestions.map((s) => s.index)).toEqual(r.suggestions.map((s) => s.index));
  });
});

describeShared('balanced (class-balanced uncertainty)', () => {
  it('shares the batch equally between predicted classes, most uncertain first within each', () => {
    const u = classUncertainty(probs);
    const cands = pool.ids.map((_, i) => i).filter((i) => !labelled.has(i));
    const pred = (i: number) => topTwo(probs.probs, 2 * i, 2)[0];
    const picked = balancedUncertain(probs, u, cands, 8);
    expect(picked.filter((i) => pred(i) === 0)).toHaveLength(4);
    expect(picked.filter((i) => pred(i) === 1)).toHaveLength(4);
    for (const k of [0, 1]) {
      const mine = picked.filter((i) => pred(i) === k);
      const floor = Math.min(...mine.map((i) => u[i]));
      for (const i of cands)
        if (pred(i) === k && !mine.includes(i)) expect(u[i]).toBeLessThanOrEqual(floor + 1e-7);
    }
    const r = suggest({ pool, labelled, task: 'classify', strategy: 'balanced', n: 8, classProbs: probs });
    expect(r.suggestions.map((s) => s.index)).toEqual(picked);
    expect(r.suggestions.every((s) => s.reasonCode === 'torn' || s.reasonCode === 'leaning')).toBe(true);
  });

  it('a class with too few candidates leaves its slots to the others', () => {
    const u = classUncertainty(probs);
    const cands = pool.ids.map((_, i) => i).filter((i) => !labelled.has(i));
    const one = cands.filter((i) => topTwo(probs.probs, 2 * i, 2)[0] === 0).slice(0, 1);
    const others = cands.filter((i) => topTwo(probs.probs, 2 * i, 2)[0] === 1);
    expect(balancedUncertain(probs, u, [...one, ...others], 6)).toHaveLength(6);
  });

  it('needs a classifier: without one it falls back to cold start and says so', () => {
    const r = suggest({ pool, labelled, task: 'classify', strategy: 'balanced', n: 4 });
    expect(r.used).toBe('coldstart');
    expect(r.fallback).toMatch(/no classifier trained yet/);
  });
});

describeShared('switch', () => {
  it('is typical below its switch point and class-balanced uncertainty from there', () => {
    const before = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'switch',
      n: 4,
      classProbs: probs,
      switchAt: 17,
    });
    expect(before.suggestions.every((s) => s.reasonCode === 'typical-cluster')).toBe(true);
    const after = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'switch',
      n: 4,
      classProbs: probs,
      switchAt: 16,
    });
    const balanced = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'balanced',
      n: 4,
      classProbs: probs,
    });
    expect(after.suggestions.map((s) => s.index)).toEqual(balanced.suggestions.map((s) => s.index));
  });

  it('every strategy is in the one list, and the model-reading ones say so', () => {
    expect(STRATEGIES).toEqual(expect.arrayContaining(['typical', 'balanced', 'switch']));
    expect(STRATEGIES.filter(needsModel)).toEqual(['hybrid', 'uncertainty', 'balanced', 'switch']);
  });
});
