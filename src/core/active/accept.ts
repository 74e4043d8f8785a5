import type { LabelRow, ProjectStore } from '../store/types.ts';
import { acceptedLabel } from './serve.ts';
import type { Suggestion } from './types.ts';

/**
 * Stores the user's answer to a suggestion. Taking the pre-filled label unchanged records the
 * source 'accepted_suggestion'; a corrected label is an ordinary human label.
 */
export function answerSuggestion(
  store: ProjectStore,
  s: Pick<Suggestion, 'imageId' | 'prefill'>,
  answer: { label: string; author: string; task?: string; durationMs?: number },
): LabelRow {
  const imageId = Number(s.imageId);
  const { label, source } = acceptedLabel({ prefill: s.prefill?.label ?? null, given: answer.label })!;
  return store.setLabel({
    imageId,
    task: answer.task,
    label,
    author: answer.author,
    source,
    durationMs: answer.durationMs,
  });
}

/** "Skip": the image is held back for a while (longer after each skip) and offered again later. */
export function skipSuggestion(store: ProjectStore, imageId: number | string): void {
  store.markSkipped(Number(imageId));
}
