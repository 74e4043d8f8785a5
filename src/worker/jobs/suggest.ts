import { suggestForProject } from '../../core/active/project.ts';
import { residentFeatures } from '../../core/active/resident.ts';
import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { activeModelId, registryFor } from '../../core/app/models.ts';
import { type SuggestionQueue, state } from '../../core/app/state.ts';
import { predict } from '../../core/train/index.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';

/**
 * One active-learning pass (features, classifier if labels changed, strategy), stored as the
 * project's suggestion queue and per-image scores. For masks, the active segmentation model
 * pre-fills the suggested images; its validation Dice is the confidence shown.
 */
export const runSuggestJob: JobRunner<'suggest'> = async (ctx) => {
  const { store } = ctx;
  const p = jobSchemas.suggest.params.parse(ctx.params ?? {});
  const ctl = engineControl(ctx);
  const r = await suggestForProject(
    store,
    {
      task: p.task,
      strategy: p.strategy,
      n: p.n,
      train: true,
      registry: registryFor(store),
      resident: residentFeatures,
    },
    ctl,
  );
  let segmentModelId: number | null = null;
  let dice: number | null = null;
  if (p.task === 'segment') {
    const segId = activeModelId(store, 'segment');
    const seg = segId === null ? null : store.getModel(segId);
    if (seg && r.suggestions.length) {
      await predict(
        store,
        { modelId: seg.id, imageIds: r.suggestions.map((s) => Number(s.imageId)), provider: p.provider },
        ctl,
      );
      segmentModelId = seg.id;
      dice = typeof seg.metrics.dice === 'number' ? seg.metrics.dice : null;
    }
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
