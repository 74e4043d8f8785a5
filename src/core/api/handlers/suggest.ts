/**
 * Active-learning "Next": serves the queue that the worker's suggest job computed (stored in
 * the project, so it survives restarts), and turns accept/reject/skip into labels and
 * bookkeeping. When the queue runs dry it starts a new suggest job instead of blocking.
 */
import { type SuggestionQueue, state } from '../../app/state.ts';
import { DEFAULT_MASK_CLASS } from '../../store/types.ts';
import { ApiError, type ApiHandlers, type Suggestion } from '../contract.ts';
import type { ServiceContext } from '../service.ts';
import type { ProjectSession } from '../session.ts';
import { labelCommand } from './edits.ts';

type H = Pick<ApiHandlers, 'suggest.next' | 'suggest.accept' | 'suggest.reject' | 'suggest.skip'>;

function queue(s: ProjectSession): SuggestionQueue | null {
  return state.suggestions.get(s.store);
}

function dropFromQueue(s: ProjectSession, imageId: number): void {
  const q = queue(s);
  if (!q) return;
  state.suggestions.set(s.store, { ...q, items: q.items.filter((i) => i.imageId !== imageId) });
}

function running(ctx: ServiceContext, kind: string): string | null {
  return (
    ctx.jobs.list().find((j) => j.kind === kind && (j.state === 'running' || j.state === 'queued'))?.id ??
    null
  );
}

export function suggestHandlers(ctx: ServiceContext): H {
  const done = (s: ProjectSession, task: string, id: number) =>
    task === 'segment' ? s.store.getMask(id) !== null : s.store.getLabel(id) !== null;

  return {
    'suggest.next': ({ task, strategy, exclude }) => {
      const s = ctx.session();
      const info = ctx.info();
      const skip = new Set(exclude ?? []);
      const q = queue(s);
      const item =
        q?.task === task ? q.items.find((i) => !skip.has(i.imageId) && !done(s, task, i.imageId)) : undefined;
      let jobId: string | null = null;
      if (!item) {
        jobId =
          running(ctx, 'suggest') ??
          ctx.jobs.start('suggest', s.dir, { task, strategy: strategy ?? 'hybrid', n: 20 }).id;
      } else s.store.markServed(item.imageId);
      const suggestion: Suggestion | null = item
        ? {
            imageId: item.imageId,
            strategy: item.strategy,
            reason: item.reason,
            score: item.score,
            label: item.label,
            mask:
              q?.segmentModelId != null && item.maskConfidence != null
                ? {
                    url: ctx.opts.urls.predictionMask(q.segmentModelId, item.imageId),
                    confidence: item.maskConfidence,
                  }
                : null,
          }
        : null;
      return {
        suggestion,
        jobId,
        labelled: task === 'segment' ? info.counts.masks : info.counts.labelled,
        total: info.counts.images,
        retraining: running(ctx, 'train') !== null,
      };
    },

    'suggest.accept': async ({ imageId, label, acceptMask }) => {
      const s = ctx.session();
      const q = queue(s);
      const item = q?.items.find((i) => i.imageId === imageId);
      const name = label ?? item?.label?.name;
      if (!name && !acceptMask)
        throw new ApiError('bad_request', `no suggested label for image ${imageId}; give one`);
      if (acceptMask) {
        const modelId = q?.segmentModelId;
        const pred = modelId != null ? s.store.getPredictions(modelId, [imageId])[0] : undefined;
        if (!pred?.mask) throw new ApiError('not_found', `no predicted mask for image ${imageId}`);
        await s.serial(() => {
          s.store.setMask({
            imageId,
            png: pred.mask!,
            author: s.settings().author,
            source: 'accepted_suggestion',
          });
          s.dropMask(imageId, DEFAULT_MASK_CLASS);
          ctx.emit('mask.changed', {
            imageId,
            maskClass: DEFAULT_MASK_CLASS,
            version: s.maskVersion(imageId, DEFAULT_MASK_CLASS),
          });
        });
      }
      dropFromQueue(s, imageId);
      const source = name && item?.label?.name === name ? 'accepted_suggestion' : 'human';
      const res = name
        ? await s.serial(() =>
            labelCommand(
              ctx,
              s,
              [imageId],
              { label: name, source },
              `accept suggestion for image ${imageId}`,
            ),
          )
        : { changed: 0, history: s.history.state() };
      if (acceptMask) ctx.changed();
      return res;
    },

    'suggest.reject': ({ imageId }) => {
      // The pre-fill was wrong, but the image is still worth labelling: no deferral.
      const s = ctx.session();
      s.image(imageId);
      dropFromQueue(s, imageId);
      return { ok: true as const };
    },

    'suggest.skip': ({ imageId }) => {
      const s = ctx.session();
      s.image(imageId);
      s.store.markSkipped(imageId);
      dropFromQueue(s, imageId);
      return { ok: true as const };
    },
  };
}
