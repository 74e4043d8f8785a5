import { suggestForProject } from '../../core/active/project.ts';
import { residentFeatures } from '../../core/active/resident.ts';
import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { activeModelId, registryFor } from '../../core/app/models.ts';
import { storedMaskStats, storeSegPredictions } from '../../core/app/seg-predictions.ts';
import { type SuggestionQueue, state } from '../../core/app/state.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';
import { recordEncoder } from './record-encoder.ts';

/**
 * One active-learning pass (features, classifier if labels changed, strategy), stored as the
 * project's suggestion queue and per-image scores. For masks, the active segmentation model's
 * stored predictions rank the unmasked images (mask uncertainty) and pre-fill the suggested
 * ones; its validation Dice is the confidence shown.
 */
export const runSuggestJob: JobRunner<'suggest'> = async (ctx) => {
  const { store } = ctx;
  const p = jobSchemas.suggest.params.parse(ctx.params ?? {});
  const ctl = engineControl(ctx);
  const segId = p.task === 'segment' ? activeModelId(store, 'segment') : null;
  const seg = segId === null ? null : store.getModel(segId);
  /** The active segmenter's stored predictions; images it has not predicted yet are predicted (and stored) now. */
  const withPredictions = async (ids: number[]) => {
    if (!seg) return;
    const have = new Set(
      store
        .getPredictions(seg.id, ids)
        .filter((x) => x.mask)
        .map((x) => x.imageId),
    );
    const todo = ids.filter((id) => !have.has(id));
    if (todo.length) await storeSegPredictions(store, seg.id, { provider: p.provider, imageIds: todo }, ctl);
  };
  const r = await suggestForProject(
    store,
    {
      task: p.task,
      strategy: p.strategy,
      n: p.n,
      train: true,
      registry: registryFor(store),
      resident: residentFeatures,
      ...(seg
        ? {
            maskStats: async (ids: number[]) => {
              await withPredictions(ids);
              return storedMaskStats(store, seg.id, ids);
            },
          }
        : {}),
    },
    ctl,
  );
  recordEncoder(store);
  let segmentModelId: number | null = null;
  let dice: number | null = null;
  if (seg && r.suggestions.length) {
    await withPredictions(r.suggestions.map((s) => Number(s.imageId)));
    segmentModelId = seg.id;
    dice = typeof seg.metrics.dice === 'number' ? seg.metrics.dice : null;
  }
  const queue: SuggestionQueue = {
    task: p.task,
    segmentModelId,
    items: r.suggestions.map((s) => ({
      imageId: Number(s.imageId),
      strategy: s.strategy,
      reason: r.fallback && s.strategy === 'coldstart' ? `${s.reason} (${r.fallback})` : s.reason,
      score: s.score,
      label: s.prefill ? { name: s.prefill.label, confidence: s.prefill.confidence } : null,
      maskConfidence: segmentModelId !== null ? dice : null,
    })),
  };
  state.suggestions.set(store, queue);
  store.setAlScores(queue.items.map((i) => ({ imageId: i.imageId, score: i.score })));
  return {
    count: queue.items.length,
    used: r.used,
    fallback: r.fallback ?? null,
    modelId: r.modelId,
    trained: r.trained,
  };
};
