import { balancedUncertain } from './balanced.ts';
import { coldStart, kmeans } from './coldstart.ts';
import { DEFAULT_DEFER, splitDeferred } from './defer.ts';
import { kCenterGreedy } from './diversity.ts';
import {
  classReason,
  clusterReason,
  DEFERRED_SUFFIX,
  maskReason,
  prefillFrom,
  RANDOM_REASON,
  unlikeReason,
} from './reasons.ts';
import {
  needsModel,
  type ReasonCode,
  type StrategyName,
  type SuggestInput,
  type Suggestion,
  type SuggestResult,
  SWITCH_AT,
  type UsedStrategy,
} from './types.ts';
import { typiClust } from './typical.ts';
import { classUncertainty, maskUncertainty } from './uncertainty.ts';
import { DISTANCE_DIMS, type DistanceSpace, LazySpace, rankBelow, rng, topK } from './vectors.ts';

type Pick = Omit<Suggestion, 'imageId' | 'prefill' | 'prefillMask' | 'deferred'>;

/** One suggestion pass: validates the input, picks a strategy (or cold start) and explains each pick. */
export function suggest(input: SuggestInput): SuggestResult {
  validate(input);
  const { pool, labelled, task } = input;
  const now = input.now ?? Date.now();
  const seed = input.seed ?? 1;
  const policy = { ...DEFAULT_DEFER, ...input.defer };
  const unlabelled: number[] = [];
  for (let i = 0; i < pool.ids.length; i++) if (!labelled.has(i)) unlabelled.push(i);
  const { fresh, deferred } = splitDeferred(unlabelled, pool.ids, input.history, now, policy);

  const hasModel = task === 'classify' ? Boolean(input.classProbs) : Boolean(input.maskStats);
  let used: UsedStrategy = input.strategy;
  let fallback: string | undefined;
  // TypiClust is itself a cold start: `typical` (and `switch` before its switch) keep it.
  const typicalNow =
    input.strategy === 'typical' ||
    (input.strategy === 'switch' && labelled.size < (input.switchAt ?? SWITCH_AT));
  if (typicalNow) {
    // Nothing to fall back from: typical picks need no model.
  } else if (labelled.size < (input.minLabelsForModel ?? 1)) {
    used = 'coldstart';
    fallback =
      labelled.size === 0
        ? 'no labels yet: cold start picks typical images from each source'
        : `only ${labelled.size} labels so far: cold start picks typical images from unlabelled groups`;
  } else if (!hasModel && needsModel(input.strategy)) {
    used = 'coldstart';
    fallback = `no ${task === 'classify' ? 'classifier' : 'segmentation model'} trained yet: cold start picks typical images from unlabelled groups`;
  }

  // Distances are taken in a seeded random projection (same picks up to small distortions),
  // projected lazily: uncertainty and random need none, a warmed-up hybrid only its candidates.
  const space = input.space ?? new LazySpace(pool.embeddings, pool.dim, input.distanceDims ?? DISTANCE_DIMS);
  const lab = [...labelled];
  const run = (cands: number[], k: number): Pick[] => pickWith(used, input, space, cands, lab, k, seed);
  const picks = run(fresh, input.n).map((p) => ({ ...p, deferred: false }));
  if (picks.length < input.n && deferred.length > 0) {
    // Held-back images fill the batch only when nothing fresher is left, soonest-released first.
    for (const i of deferred.slice(0, input.n - picks.length)) {
      const base = describe(used, input, i);
      picks.push({ index: i, strategy: used, score: 0, ...base, deferred: true });
    }
  }
  const suggestions: Suggestion[] = picks.map((p) => {
    const s: Suggestion = {
      imageId: pool.ids[p.index],
      ...p,
      reason: p.deferred ? p.reason + DEFERRED_SUFFIX : p.reason,
      reasonCode: p.deferred ? ('deferred' as ReasonCode) : p.reasonCode,
    };
    if (input.classProbs && task === 'classify') s.prefill = prefillFrom(input.classProbs, p.index);
    const ms = input.maskStats?.[p.index];
    if (ms && task === 'segment') s.prefillMask = { confidence: ms.confidence };
    return s;
  });
  return {
    requested: input.strategy,
    used,
    fallback,
    suggestions,
    candidates: unlabelled.length,
    deferredCount: deferred.length,
  };
}

function pickWith(
  used: UsedStrategy,
  input: SuggestInput,
  space: DistanceSpace,
  cands: number[],
  lab: number[],
  k: number,
  seed: number,
): Pick[] {
  if (cands.length === 0 || k <= 0) return [];
  if (used === 'random') return randomPicks(cands, k, seed);
  const typicalNow = used === 'typical' || (used === 'switch' && lab.length < (input.switchAt ?? SWITCH_AT));
  if (typicalNow) {
    space.all();
    return typiClust(space.x, space.dim, cands, lab, k, seed).map((c) => ({
      index: c.index,
      strategy: used,
      score: c.clusterSize,
      reasonCode: 'typical-cluster',
      reason: clusterReason(c.clusterSize, input.pool.sources?.[c.index] ?? null),
    }));
  }
  const unc = needsModel(used as StrategyName) ? uncertaintyOf(input) : null;
  if (used === 'balanced' || used === 'switch') {
    const picked =
      input.task === 'classify'
        ? balancedUncertain(input.classProbs!, unc!, cands, k)
        : topK(
            cands.map((i) => unc![i]),
            k,
          ).map((r) => cands[r]);
    return picked.map((index) => ({
      index,
      strategy: used,
      score: unc![index],
      ...describe(used, input, index),
    }));
  }
  if (used === 'uncertainty') {
    return topK(
      cands.map((i) => unc![i]),
      k,
    ).map((r) => ({
      index: cands[r],
      strategy: used,
      score: unc![cands[r]],
      ...describe(used, input, cands[r]),
    }));
  }
  const { x, dim } = space;
  if (used === 'coldstart' || used === 'diversity') space.all();
  if (used === 'coldstart') {
    return coldStart(x, dim, cands, lab, input.pool.sources, k, seed).map((c) => ({
      index: c.index,
      strategy: used,
      score: c.clusterSize,
      reasonCode: 'typical-cluster',
      reason: clusterReason(c.clusterSize, c.source),
    }));
  }
  if (used === 'diversity') {
    const kc = kCenterGreedy(x, dim, cands, lab, k);
    return kc.picked.map((index, j) => ({
      index,
      strategy: used,
      score: kc.gaps[j],
      reasonCode: 'unlike-labelled',
      reason: unlikeReason(rankBelow(kc.baseline, kc.gaps[j])),
    }));
  }
  const u = unc!;
  const poolSize = Math.max(
    k,
    Math.min(Math.round(k * (input.hybridPoolFactor ?? 5)), Math.ceil(cands.length / 4)),
  );
  const order = topK(
    cands.map((i) => u[i]),
    poolSize,
  ).map((r) => cands[r]);
  // Hybrid: a diverse batch among the most uncertain, so near-duplicates are not served together.
  // While labels are few the model's uncertainty is itself unreliable, so part of the batch
  // still comes from typical images of unlabelled groups (Hacohen et al. 2022: typicality wins
  // at low budgets, uncertainty later); that part shrinks to zero at `hybridWarmup` labels.
  // Masks carry more information per label than a class, so segmentation warms up sooner.
  const warm = input.hybridWarmup ?? (input.task === 'segment' ? 20 : 40);
  const nUnc = warm <= 0 ? k : Math.max(1, Math.min(k, Math.round((k * lab.length) / warm)));
  space.ensure(order);
  if (input.hybridSelect === 'kcenter') space.ensure(lab);
  const chosen =
    (input.hybridSelect ?? 'cluster') === 'cluster'
      ? clusterPick(x, dim, order, u, nUnc, seed)
      : kCenterGreedy(x, dim, order, lab, nUnc).picked;
  const out: Pick[] = chosen.map((index) => ({
    index,
    strategy: used,
    score: u[index],
    ...describe(used, input, index),
  }));
  if (nUnc < k) {
    space.all();
    const taken = new Set(chosen);
    const rest = cands.filter((i) => !taken.has(i));
    for (const c of coldStart(x, dim, rest, [...lab, ...chosen], input.pool.sources, k - nUnc, seed)) {
      out.push({
        index: c.index,
        strategy: used,
        score: 0,
        reasonCode: 'typical-cluster',
        reason: clusterReason(c.clusterSize, c.source),
      });
    }
  }
  return out;
}

/**
 * Cluster-margin selection (Citovsky et al. 2021): k-means the uncertain candidates into k
 * groups and take the most uncertain member of each, so a batch spans the uncertain region
 * without chasing outliers the way farthest-point selection does.
 */
function clusterPick(
  x: Float32Array,
  dim: number,
  rows: number[],
  unc: Float32Array,
  k: number,
  seed: number,
): number[] {
  if (rows.length <= k) return rows;
  const { labels } = kmeans(x, dim, rows, k, rng(seed));
  const best = new Map<number, number>();
  rows.forEach((r, j) => {
    const b = best.get(labels[j]);
    if (b === undefined || unc[r] > unc[b]) best.set(labels[j], r);
  });
  const picked = [...best.values()].sort((a, b) => unc[b] - unc[a]);
  // Empty clusters (duplicates): top up with the next most uncertain.
  for (const r of rows) if (picked.length < k && !picked.includes(r)) picked.push(r);
  return picked.slice(0, k);
}

function randomPicks(cands: number[], k: number, seed: number): Pick[] {
  const r = rng(seed);
  const a = [...cands];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a
    .slice(0, k)
    .map((index) => ({ index, strategy: 'random', score: 0, reasonCode: 'random', reason: RANDOM_REASON }));
}

function uncertaintyOf(input: SuggestInput): Float32Array {
  if (input.task === 'classify') return classUncertainty(input.classProbs!);
  return maskUncertainty(input.maskStats!);
}

function describe(
  used: UsedStrategy,
  input: SuggestInput,
  i: number,
): { reasonCode: ReasonCode; reason: string } {
  const modelled = used !== 'coldstart' && needsModel(used);
  if (input.task === 'classify' && input.classProbs && modelled) {
    const r = classReason(input.classProbs, i);
    return { reasonCode: r.code, reason: r.text };
  }
  const ms = input.maskStats?.[i];
  if (input.task === 'segment' && ms && modelled) {
    return { reasonCode: 'uncertain-mask', reason: maskReason(ms) };
  }
  if (used === 'random') return { reasonCode: 'random', reason: RANDOM_REASON };
  if (used === 'diversity') return { reasonCode: 'unlike-labelled', reason: unlikeReason(0) };
  return { reasonCode: 'typical-cluster', reason: 'a typical unlabelled image' };
}

function validate(input: SuggestInput): void {
  const { pool } = input;
  const n = pool.ids.length;
  if (!Number.isInteger(input.n) || input.n < 1)
    throw new Error(`suggest: n must be a positive integer, got ${input.n}`);
  // No embeddings at all is valid with a given space: the strategies only read the projection.
  const given = input.space !== undefined && pool.embeddings.length === 0;
  if (pool.dim < 1 || (!given && pool.embeddings.length !== n * pool.dim)) {
    throw new Error(
      `suggest: embeddings hold ${pool.embeddings.length} values, expected ${n} images × ${pool.dim}`,
    );
  }
  if (pool.sources && pool.sources.length !== n)
    throw new Error('suggest: sources must have one entry per image');
  const cp = input.classProbs;
  if (cp && cp.probs.length !== n * cp.classes.length) {
    throw new Error(
      `suggest: class probabilities hold ${cp.probs.length} values, expected ${n} × ${cp.classes.length}`,
    );
  }
  if (input.maskStats && input.maskStats.length !== n)
    throw new Error('suggest: maskStats must have one entry per image');
  for (const i of input.labelled)
    if (i < 0 || i >= n) throw new Error(`suggest: labelled index ${i} is outside the pool`);
}
