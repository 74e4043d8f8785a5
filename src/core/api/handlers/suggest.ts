/**
 * Active-learning "Next": serves the queue that the worker's suggest job computed (stored in
 * the project, so it survives restarts), and turns accept/reject/skip into labels and
 * bookkeeping. When the queue runs dry it starts a new suggest job instead of blocking.
 */
import { acceptedLabel, freshReason, pickNext } from '../../active/serve.ts';
import { type SuggestionQueue, state } from '../../app/state.ts';
import { DEFAULT_MASK_CLASS } from '../../store/types.ts';
import { ApiError, type ApiHandlers, type Suggestion } from '../contract.ts';
import type { ServiceContext } from '../service.ts';
import type { ProjectSession } from '../session.ts';
import { labelCommand } from './edits.ts';

type H = Pick<
  ApiHandlers,
  'suggest.next' | 'suggest.accept' | 'suggest.reject' | 'suggest.skip' | 'suggest.unsure'
>;

/** The image each session served last: never served twice in a row. */
const lastServed = new WeakMap<ProjectSession, number>();

function queue(s: ProjectSession): SuggestionQueue | null {
  return state.suggestions.get(s.store);
}

export function dropFromQueue(s: ProjectSession, imageId: number): void {
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
  // Labelled (or masked) and flagged images are finished: they leave the queue.
  const done = (s: ProjectSession, task: string, id: number) =>
    (task === 'segment' ? s.store.getMask(id) !== null : s.store.getLabel(id) !== null) ||
    s.store.getImage(id)?.needsReview === true;

  return {
    'suggest.next': ({ task, strategy, exclude }) => {
      const s = ctx.session();
      const info = ctx.info();
      const q = queue(s);
      const picked =
        q?.task === task
          ? pickNext(q.items, { exclude, lastServed: lastServed.get(s), done: (id) => done(s, task, id) })
          : { item: null, items: [] };
      if (q?.task === task) state.suggestions.set(s.store, { ...q, items: picked.items });
      const item = picked.item;
      let jobId: string | null = null;
      let reason = item?.reason ?? '';
      if (!item) {
        jobId =
          running(ctx, 'suggest') ??
          ctx.jobs.start('suggest', s.dir, { task, strategy: strategy ?? 'hybrid', n: 20 }).id;
      } else {
        s.store.markServed(item.imageId);
        lastServed.set(s, item.imageId);
        const fresh = freshReason(item.reason, info.counts.perClass);
        reason = fresh.reason;
        // Cold-start picks made before there were enough labels: compute model-based ones now.
        if (fresh.stale && !running(ctx, 'suggest'))
          ctx.jobs.start('suggest', s.dir, { task, strategy: strategy ?? 'hybrid', n: 20 });
      }
      const suggestion: Suggestion | null = item
        ? {
            imageId: item.imageId,
            strategy: item.strategy,
            reason,
            score: item.score,
            label: item.label,
            mask:
              q?.segmentModelId != null && item.maskConfidence != null
                ? {
                    url: ctx.opts.urls.predictionMask(q.segmentModelId, item.imageId),
                    confidence: item.maskConfidence,
                    uncertaintyUrl: s.store.getPredictions(q.segmentModelId, [item.imageId])[0]?.uncertainty
                      ? ctx.opts.urls.predictionUncertainty(q.segmentModelId, item.imageId)
                      : null,
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

    'suggest.accept': async ({ imageId, label, acceptMask, durationMs }) => {
      const s = ctx.session();
      const q = queue(s);
      const item = q?.items.find((i) => i.imageId === imageId);
      const name = label ?? s.store.getLabel(imageId)?.label ?? item?.label?.name;
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
      // One rule with the core (`acceptedLabel`): a correction made while the image was shown stays.
      const answer = acceptedLabel({
        prefill: item?.label?.name ?? null,
        given: label,
        current: s.store.getLabel(imageId),
      });
      const res = answer
        ? await s.serial(() =>
            labelCommand(
              ctx,
              s,
              [imageId],
              { label: answer.label, source: answer.source },
              `accept suggestion for image ${imageId}`,
              durationMs,
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

    'suggest.unsure': ({ imageId }) => {
      // "Unsure / not applicable": out of the queue and into review, where a second person decides.
      const s = ctx.session();
      s.store.markSkipped(imageId);
      dropFromQueue(s, imageId);
      if (s.setNeedsReview(imageId, true)) {
        ctx.emit('labels.changed', { imageIds: [imageId] });
        ctx.changed();
      }
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
