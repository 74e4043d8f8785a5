/** The active-learning "Next": ask for a suggestion and open it in the viewer with its reason. */
import { api } from './api.ts';
import { annotationTimer } from './lib/annotation-timer.ts';
import { RequestToken } from './lib/request-token.ts';
import { draftHooks } from './mask-draft.ts';
import { app, edits } from './state.svelte.ts';

/** The suggestion job started by the last "Next", if any: when it finishes, Next runs again. */
let waitingOn: string | null = null;

export function onJobDone(jobId: string): void {
  if (jobId !== waitingOn) return;
  waitingOn = null;
  void nextSuggestion();
}

export function onJobFailed(jobId: string, error: string): void {
  if (jobId !== waitingOn) return;
  waitingOn = null;
  app.al.reason = `Suggestions could not be computed (${error}). Label a few images of each class and train a model, then press Next again.`;
}

/** Pressing Next twice quickly must not open the first answer after the second. */
const token = new RequestToken();

export async function nextSuggestion(): Promise<void> {
  const t = token.next();
  try {
    const exclude = app.currentId !== null ? [app.currentId] : undefined;
    const task = app.alMode === 'masks' ? 'segment' : 'classify';
    const r = await api.invoke('suggest.next', { task, exclude });
    if (!token.isCurrent(t)) return;
    app.al = {
      labelled: r.labelled,
      total: r.total,
      retraining: r.retraining,
      reason:
        r.suggestion?.reason ??
        (r.jobId
          ? 'Computing suggestions… this opens the next image as soon as they are ready.'
          : task === 'segment'
            ? 'Nothing left to suggest: every image has a mask.'
            : 'Nothing left to suggest: every image is labelled.'),
    };
    app.suggestion = r.suggestion;
    waitingOn = r.suggestion ? null : r.jobId;
    if (r.suggestion) {
      app.currentId = r.suggestion.imageId;
      app.view = 'editor';
    }
  } catch (err) {
    app.fail(err, 'get the next suggestion');
  }
}

/** Accepting is one undoable step: undo puts back the label the image had before. */
export async function acceptSuggestion(label?: string): Promise<void> {
  const s = app.suggestion;
  if (!s) return;
  if (app.alMode === 'masks' && s.mask) return acceptMask();
  // A label typed while the suggestion was on screen is a correction: Accept keeps it.
  const current = s.imageId in app.labelOverrides ? app.labelOverrides[s.imageId] : null;
  const chosen = label ?? current ?? undefined;
  const after = chosen ?? s.label?.name ?? null;
  const before = current ?? app.items[s.imageId]?.label ?? null;
  try {
    await api.invoke('suggest.accept', {
      imageId: s.imageId,
      label: chosen,
      acceptMask: s.mask !== null,
      durationMs: annotationTimer.elapsed(s.imageId),
    });
    app.suggestion = null;
    if (after !== null && after !== before) {
      edits.history.record({ kind: 'label', imageId: s.imageId, before, after });
      edits.hooks.label?.(s.imageId, after);
      edits.hooks.changed?.();
    }
    await nextSuggestion();
  } catch (err) {
    app.fail(err, 'accept the suggestion');
  }
}

/**
 * Accept in the mask queue: the pre-filled mask as the user corrected it becomes ground truth
 * now (and only now), with the user as its author.
 */
async function acceptMask(): Promise<void> {
  const s = app.suggestion;
  const draft = draftHooks.collect?.();
  if (!s || !draft || draft.imageId !== s.imageId) {
    app.fail(new Error('the pre-filled mask is still loading'), 'accept the mask');
    return;
  }
  try {
    const r = await api.invoke('suggest.acceptMask', draft);
    draftHooks.end?.(true);
    app.lastCorrection = {
      editedPixels: r.editedPixels,
      maskPixels: r.maskPixels,
      strokes: r.strokes,
      source: r.source,
    };
    app.suggestion = null;
    await nextSuggestion();
  } catch (err) {
    app.fail(err, 'accept the corrected mask');
  }
}

export async function rejectSuggestion(): Promise<void> {
  const s = app.suggestion;
  if (!s) return;
  draftHooks.end?.(false);
  try {
    await api.invoke('suggest.reject', { imageId: s.imageId });
    app.suggestion = null;
    await nextSuggestion();
  } catch (err) {
    app.fail(err, 'reject the suggestion');
  }
}

/** Skip: not now; the image comes back later (held back longer after each skip). */
export async function skipSuggestion(): Promise<void> {
  const s = app.suggestion;
  if (!s) return;
  draftHooks.end?.(false);
  try {
    await api.invoke('suggest.skip', { imageId: s.imageId });
    app.suggestion = null;
    await nextSuggestion();
  } catch (err) {
    app.fail(err, 'skip the suggestion');
  }
}

/** Unsure / not applicable: the image leaves the queue and is flagged for a second person. */
export async function unsureSuggestion(): Promise<void> {
  const s = app.suggestion;
  if (!s) return;
  draftHooks.end?.(false);
  try {
    await api.invoke('suggest.unsure', { imageId: s.imageId });
    edits.hooks.review?.(s.imageId, true);
    app.suggestion = null;
    await nextSuggestion();
  } catch (err) {
    app.fail(err, 'mark the image as unsure');
  }
}
