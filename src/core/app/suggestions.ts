/**
 * The active-learning queue: serves what the suggest job computed (stored in the project, so it
 * survives restarts) and turns accept / reject / skip / unsure into labels and bookkeeping. When
 * the queue runs dry it asks for a new suggest job instead of blocking.
 */
import { acceptedLabel, freshReason, pickNext } from '../active/serve.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { DEFAULT_MASK_CLASS } from '../store/types.ts';
import { type LabelChange, labelCommand } from './labels.ts';
import type { Notifier } from './notify.ts';
import { projectInfo } from './project.ts';
import type { ProjectSession } from './session.ts';
import { type SuggestionQueue, type SuggestionStrategy, state } from './state.ts';

type Task = SuggestionQueue['task'];
type Strategy = import('zod').infer<typeof SuggestionStrategy>;

/** The shell's job runner, as far as the queue needs it. */
export interface SuggestJobs {
  /** Id of a queued or running job of this kind, else null. */
  running(kind: 'suggest' | 'train'): string | null;
  startSuggest(params: { task: Task; strategy: Strategy; n: number }): string;
}

/** The image each session served last: never served twice in a row. */
const lastServed = new WeakMap<ProjectSession, number>();

const queue = (s: ProjectSession): SuggestionQueue | null => state.suggestions.get(s.store);

export function dropFromQueue(s: ProjectSession, imageId: number): void {
  const q = queue(s);
  if (q) state.suggestions.set(s.store, { ...q, items: q.items.filter((i) => i.imageId !== imageId) });
}

/** Labelled (or masked) and flagged images are finished: they leave the queue. */
const done = (s: ProjectSession, task: Task, id: number) =>
  (task === 'segment' ? s.store.getMask(id) !== null : s.store.getLabel(id) !== null) ||
  s.store.getImage(id)?.needsReview === true;

export function nextSuggestion(
  s: ProjectSession,
  jobs: SuggestJobs,
  p: { task: Task; strategy?: Strategy; exclude?: number[] },
) {
  const { task } = p;
  const strategy = p.strategy ?? 'hybrid';
  const { counts } = projectInfo(s);
  const q = queue(s);
  const picked =
    q?.task === task
      ? pickNext(q.items, {
          exclude: p.exclude,
          lastServed: lastServed.get(s),
          done: (id) => done(s, task, id),
        })
      : { item: null, items: [] };
  if (q?.task === task) state.suggestions.set(s.store, { ...q, items: picked.items });
  const item = picked.item;
  let jobId: string | null = null;
  let reason = item?.reason ?? '';
  if (!item) {
    jobId = jobs.running('suggest') ?? jobs.startSuggest({ task, strategy, n: 20 });
  } else {
    s.store.markServed(item.imageId);
    lastServed.set(s, item.imageId);
    const fresh = freshReason(item.reason, counts.perClass);
    reason = fresh.reason;
    // Cold-start picks made before there were enough labels: compute model-based ones now.
    if (fresh.stale && !jobs.running('suggest')) jobs.startSuggest({ task, strategy, n: 20 });
  }
  return {
    suggestion: item
      ? {
          imageId: item.imageId,
          strategy: item.strategy,
          reason,
          score: item.score,
          label: item.label,
          /** The segmenter's predicted mask (the shell turns the model id into a URL). */
          mask:
            q?.segmentModelId != null && item.maskConfidence != null
              ? {
                  modelId: q.segmentModelId,
                  confidence: item.maskConfidence,
                  /** A per-pixel uncertainty map was stored with the prediction. */
                  uncertainty: !!s.store.getPredictions(q.segmentModelId, [item.imageId])[0]?.uncertainty,
                }
              : null,
        }
      : null,
    jobId,
    labelled: task === 'segment' ? counts.masks : counts.labelled,
    total: counts.images,
    retraining: jobs.running('train') !== null,
  };
}

export async function acceptSuggestion(
  s: ProjectSession,
  n: Notifier,
  p: { imageId: number; label?: string; acceptMask?: boolean; durationMs?: number },
): Promise<LabelChange> {
  const { imageId, label, acceptMask, durationMs } = p;
  const q = queue(s);
  const item = q?.items.find((i) => i.imageId === imageId);
  const name = label ?? s.store.getLabel(imageId)?.label ?? item?.label?.name;
  if (!name && !acceptMask) throw new InvalidInputError(`no suggested label for image ${imageId}; give one`);
  if (acceptMask) {
    const modelId = q?.segmentModelId;
    const pred = modelId != null ? s.store.getPredictions(modelId, [imageId])[0] : undefined;
    if (!pred?.mask) throw new NotFoundError(`no predicted mask for image ${imageId}`);
    await s.serial(() => {
      s.store.setMask({
        imageId,
        png: pred.mask!,
        author: s.settings().author,
        source: 'accepted_suggestion',
      });
      s.dropMask(imageId, DEFAULT_MASK_CLASS);
      n.maskChanged({
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
        labelCommand(s, n, [imageId], { label: answer.label, source: answer.source }, durationMs),
      )
    : { changed: 0 };
  if (acceptMask) n.countsChanged();
  return res;
}

/** The pre-fill was wrong, but the image is still worth labelling: no deferral. */
export function rejectSuggestion(s: ProjectSession, imageId: number) {
  s.image(imageId);
  dropFromQueue(s, imageId);
  return { ok: true as const };
}

/** "Unsure / not applicable": out of the queue and into review, where a second person decides. */
export function unsureSuggestion(s: ProjectSession, n: Notifier, imageId: number) {
  s.store.markSkipped(imageId);
  dropFromQueue(s, imageId);
  if (s.setNeedsReview(imageId, true)) {
    n.labelsChanged([imageId]);
    n.countsChanged();
  }
  return { ok: true as const };
}

export function skipSuggestion(s: ProjectSession, imageId: number) {
  s.image(imageId);
  s.store.markSkipped(imageId);
  dropFromQueue(s, imageId);
  return { ok: true as const };
}
