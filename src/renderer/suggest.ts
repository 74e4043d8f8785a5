/** The active-learning "Next": ask for a suggestion and open it in the viewer with its reason. */
import { api } from './api.ts';
import { app } from './state.svelte.ts';

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

export async function nextSuggestion(): Promise<void> {
  try {
    const exclude = app.currentId !== null ? [app.currentId] : undefined;
    const r = await api.invoke('suggest.next', { task: 'classify', exclude });
    app.al = {
      labelled: r.labelled,
      total: r.total,
      retraining: r.retraining,
      reason:
        r.suggestion?.reason ??
        (r.jobId
          ? 'Computing suggestions… this opens the next image as soon as they are ready.'
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

export async function acceptSuggestion(label?: string): Promise<void> {
  const s = app.suggestion;
  if (!s) return;
  try {
    await api.invoke('suggest.accept', { imageId: s.imageId, label, acceptMask: s.mask !== null });
    app.suggestion = null;
    app.labelsVersion++;
  } catch (err) {
    app.fail(err, 'accept the suggestion');
  }
}

export async function rejectSuggestion(): Promise<void> {
  const s = app.suggestion;
  if (!s) return;
  try {
    await api.invoke('suggest.reject', { imageId: s.imageId });
    app.suggestion = null;
  } catch (err) {
    app.fail(err, 'reject the suggestion');
  }
}
