import { beforeAll, expect, it } from 'vitest';
import { kCenterGreedy } from '../../src/core/active/diversity.ts';
import { suggest } from '../../src/core/active/suggest.ts';
import type { ClassProbs, Pool, ServeHistory } from '../../src/core/active/types.ts';
import { classUncertainty } from '../../src/core/active/uncertainty.ts';
import { centerNormalize, sqDist } from '../../src/core/active/vectors.ts';
import { describeShared } from '../shared-data.ts';
import { realPoolWithClassifier } from './real-embeddings.ts';

let pool: Pool;
let probs: ClassProbs;
let labelled: Set<number>;

beforeAll(async () => {
  ({ pool, probs, labelled } = await realPoolWithClassifier());
});

describeShared('cold start', () => {
  it('with no labels falls back to cold start, says so, and represents every source', () => {
    const r = suggest({ pool, labelled: new Set(), task: 'classify', strategy: 'hybrid', n: 6 });
    expect(r.used).toBe('coldstart');
    expect(r.fallback).toMatch(/no labels yet/);
    expect(new Set(r.suggestions.map((s) => s.index)).size).toBe(6);
    const sources = new Set(r.suggestions.map((s) => pool.sources![s.index]));
    expect(sources).toEqual(new Set(['nih_cxr14_talo', 'kermany_pediatric']));
    for (const s of r.suggestions) {
      expect(s.reasonCode).toBe('typical-cluster');
      expect(s.reason).toMatch(
        /(typical of \d+ similar unlabelled images from source|unlike every other unlabelled image \(source) (nih_cxr14_talo|kermany_pediatric)/,
      );
    }
  });
});

describeShared('k-center greedy', () => {
  it('each pick maximises the minimum distance to the labelled set and earlier picks', () => {
    const x = centerNormalize(pool.embeddings, pool.dim);
    const cands = pool.ids.map((_, i) => i).filter((i) => !labelled.has(i));
    const { picked, gaps } = kCenterGreedy(x, pool.dim, cands, [...labelled], 8);
    const centers = [...labelled];
    picked.forEach((p, j) => {
      const minTo = (i: number) => Math.min(...centers.map((c) => sqDist(x, i, x, c, pool.dim)));
      const best = Math.max(...cands.filter((c) => !centers.includes(c)).map(minTo));
      expect(minTo(p)).toBeCloseTo(best, 5);
      expect(gaps[j]).toBeCloseTo(best, 5);
      centers.push(p);
    });
    for (let j = 1; j < gaps.length; j++) expect(gaps[j]).toBeLessThanOrEqual(gaps[j - 1] + 1e-6);
  });
});

describeShared('uncertainty and hybrid', () => {
  it('uncertainty picks the least certain images, and reasons quote the right classes and percentages', () => {
    const r = suggest({ pool, labelled, task: 'classify', strategy: 'uncertainty', n: 5, classProbs: probs });
    const u = classUncertainty(probs);
    const worst = Math.min(...r.suggestions.map((s) => u[s.index]));
    for (let i = 0; i < pool.ids.length; i++) {
      if (!labelled.has(i) && !r.suggestions.some((s) => s.index === i))
        expect(u[i]).toBeLessThanOrEqual(worst + 1e-6);
    }
    for (const s of r.suggestions) {
      const pn = Math.round(probs.probs[2 * s.index] * 100);
      const pp = Math.round(probs.probs[2 * s.index + 1] * 100);
      expect(s.reason).toContain(`normal (${pn} %)`);
      expect(s.reason).toContain(`pneumonia (${pp} %)`);
      expect(s.prefill!.label).toBe(pp > pn ? 'pneumonia' : 'normal');
      expect(s.prefill!.confidence).toBeCloseTo(Math.max(pp, pn) / 100, 1);
    }
  });

  it('hybrid picks a subset of the uncertain candidate pool', () => {
    const n = 5;
    const r = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'hybrid',
      n,
      classProbs: probs,
      hybridPoolFactor: 3,
      hybridWarmup: 0,
    });
    const wide = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'uncertainty',
      n: 3 * n,
      classProbs: probs,
    });
    const allowed = new Set(wide.suggestions.map((s) => s.index));
    expect(r.suggestions).toHaveLength(n);
    for (const s of r.suggestions) expect(allowed.has(s.index)).toBe(true);
    // …and it is not simply the top n (it spreads the batch out).
    const top = wide.suggestions.slice(0, n).map((s) => s.index);
    expect(r.suggestions.map((s) => s.index).sort()).not.toEqual([...top].sort());
  });

  it('hybrid mixes typical images into the batch while labels are few, less so as they grow', () => {
    const few = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'hybrid',
      n: 8,
      classProbs: probs,
      hybridWarmup: 64,
    });
    const typical = few.suggestions.filter((s) => s.reasonCode === 'typical-cluster').length;
    expect(typical).toBe(8 - Math.round((8 * labelled.size) / 64));
    const many = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'hybrid',
      n: 8,
      classProbs: probs,
      hybridWarmup: 16,
    });
    expect(many.suggestions.every((s) => s.reasonCode === 'torn' || s.reasonCode === 'leaning')).toBe(true);
    expect(new Set(few.suggestions.map((s) => s.index)).size).toBe(8);
  });

  it('diversity explains picks as unlike the labelled images', () => {
    const r = suggest({ pool, labelled, task: 'classify', strategy: 'diversity', n: 3 });
    expect(r.used).toBe('diversity');
    expect(r.suggestions[0].reason).toMatch(/unlike any image labelled so far/);
  });
});

describeShared('served and skipped images', () => {
  it('are held back, fill in only when nothing fresher is left, and come back after the cooldown', () => {
    const now = Date.UTC(2026, 0, 1);
    const first = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'uncertainty',
      n: 5,
      classProbs: probs,
      now,
    });
    const history = new Map<string, ServeHistory>();
    for (const s of first.suggestions)
      history.set(s.imageId, { servedAt: now, skippedAt: now, skipCount: 1 });
    const again = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'uncertainty',
      n: 5,
      classProbs: probs,
      now,
      history,
    });
    expect(again.deferredCount).toBe(5);
    for (const s of again.suggestions) expect(history.has(s.imageId)).toBe(false);
    // Everything else labelled: the skipped ones are offered rather than lost.
    const rest = new Set(
      pool.ids.map((_, i) => i).filter((i) => !first.suggestions.some((s) => s.index === i)),
    );
    const filled = suggest({
      pool,
      labelled: rest,
      task: 'classify',
      strategy: 'uncertainty',
      n: 5,
      classProbs: probs,
      now,
      history,
    });
    expect(filled.suggestions.map((s) => s.imageId).sort()).toEqual(
      first.suggestions.map((s) => s.imageId).sort(),
    );
    expect(filled.suggestions.every((s) => s.deferred && s.reasonCode === 'deferred')).toBe(true);
    // After the 30-minute skip hold they rank normally again.
    const later = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'uncertainty',
      n: 5,
      classProbs: probs,
      now: now + 31 * 60_000,
      history,
    });
    expect(later.suggestions.map((s) => s.index)).toEqual(first.suggestions.map((s) => s.index));
    // A second skip doubles the hold.
    history.set(first.suggestions[0].imageId, { skippedAt: now, skipCount: 2 });
    const twice = suggest({
      pool,
      labelled,
      task: 'classify',
      strategy: 'uncertainty',
      n: 5,
      classProbs: probs,
      now: now + 31 * 60_000,
      history,
    });
    expect(twice.suggestions.some((s) => s.imageId === first.suggestions[0].imageId)).toBe(false);
  });
});

describeShared('input errors', () => {
  it('names the problem instead of crashing', () => {
    expect(() =>
      suggest({ pool: { ...pool, dim: 7 }, labelled, task: 'classify', strategy: 'random', n: 2 }),
    ).toThrow(/embeddings hold/);
    expect(() => suggest({ pool, labelled, task: 'classify', strategy: 'random', n: 0 })).toThrow(
      /positive integer/,
    );
  });
});
