/** Review mode: a second person goes through labels given by others and confirms or rejects them. */
import type { Result } from '../core/api/contract.ts';
import { api } from './api.ts';
import { app } from './state.svelte.ts';

export const review = $state<{
  imageId: number | null;
  shownAt: number;
  remaining: number;
  summary: Result<'review.summary'> | null;
  note: string;
}>({ imageId: null, shownAt: 0, remaining: 0, summary: null, note: '' });

export async function loadSummary(): Promise<void> {
  try {
    review.summary = await api.invoke('review.summary', {});
  } catch (err) {
    app.fail(err, 'read the review summary');
  }
}

export async function nextReview(): Promise<void> {
  try {
    const r = await api.invoke('review.next', { exclude: review.imageId ? [review.imageId] : undefined });
    review.remaining = r.remaining;
    review.imageId = r.imageId;
    review.shownAt = performance.now();
    review.note = r.imageId ? '' : 'Nothing left to review: every label by someone else has your answer.';
    if (r.imageId !== null) {
      app.suggestion = null;
      app.currentId = r.imageId;
      app.view = 'editor';
    }
  } catch (err) {
    app.fail(err, 'get the next image to review');
  }
}

/** The reviewer's label: the current one confirms it, another rejects it (and flags the image). */
export async function answerReview(label: string): Promise<void> {
  const id = review.imageId;
  if (id === null) return;
  try {
    const r = await api.invoke('review.answer', {
      imageId: id,
      label,
      durationMs: Math.round(performance.now() - review.shownAt),
    });
    review.note =
      r.verdict === 'confirm'
        ? `Confirmed ${r.labeller}'s '${r.reviewed}'.`
        : `Rejected ${r.labeller}'s '${r.reviewed}' (you said '${label}'); flagged for the two of you to settle.`;
    await loadSummary();
    await nextReview();
  } catch (err) {
    app.fail(err, 'record the review');
  }
}
