/**
 * One active-learning pass (features, classifier if labels changed, strategy), stored as the
 * project's suggestion queue and per-image scores; `core/app/suggestions.ts` then serves it. For
 * masks, the active segmentation model's stored predictions rank the unmasked images (mask
 * uncertainty) and pre-fill the suggested ones; its validation Dice is the confidence shown.
 */
import { suggestForProject } from '../active/project.ts';
import { residentFeatures } from '../active/resident.ts';
import type { StrategyName } from '../active/types.ts';
import type { RunControl } from '../model/types.ts';
import type { ProjectStore } from '../store/types.ts';
import type { EngineOptions } from '../train/types.ts';
import { activeModelId, registryFor } from './models.ts';
import { lungMaskExcluded, maskCandidates, storedMaskStats, storeSegPredictions } from './seg-predictions.ts';
import { type SuggestionQueue, state } from './state.ts';

export interface SuggestionPass {
  task: SuggestionQueue['task'];
  strategy: StrategyName;
  n: number;
  provider?: EngineOptions['provider'];
}

export async function suggestionPass(store: ProjectStore, p: SuggestionPass, ctl: RunControl = {}) {
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
  // Non-chest and multi-frame images never enter the mask queue (they stay in the project).
  const exclude = p.task === 'segment' ? new Set(lungMaskExcluded(store).keys()) : undefined;
  const r = await suggestForProject(
    store,
    {
      task: p.task,
      exclude,
      strategy: p.strategy,
      n: p.n,
      train: true,
      registry: registryFor(store),
      resident: residentFeatures,
      ...(seg
        ? {
            // Ranked among a bounded sample (the one training predicted), not every unmasked image.
            maskStats: async (ids: number[]) => {
              await withPredictions(maskCandidates(ids));
              return storedMaskStats(store, seg.id, ids);
            },
          }
        : {}),
    },
    ctl,
  );
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
}
