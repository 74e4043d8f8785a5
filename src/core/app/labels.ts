/** Label and review-flag use cases: one transaction per request, however many images. */
import { InvalidInputError } from '../errors.ts';
import type { AnnotationSource } from '../store/types.ts';
import type { Notifier } from './notify.ts';
import type { ProjectSession } from './session.ts';

export type LabelTo = { label: string; source: AnnotationSource } | null;

export interface LabelChange {
  /** Images whose label actually changed (the same label again is not a change). */
  changed: number;
}

/**
 * Applies label changes (null = clear) and returns the ids that actually changed. One
 * transaction for the whole batch: a bulk label (or its undo) lands entirely or not at all.
 */
export function applyLabels(
  s: ProjectSession,
  changes: Array<{ id: number; to: LabelTo }>,
  durationMs?: number,
): number[] {
  const { author } = s.settings();
  return s.store.transaction(() => {
    const changed: number[] = [];
    for (const { id, to } of changes) {
      const cur = s.store.getLabel(id);
      if ((cur?.label ?? null) === (to?.label ?? null)) continue;
      if (to) s.store.setLabel({ imageId: id, label: to.label, author, source: to.source, durationMs });
      else s.store.clearLabel(id, author, undefined, 'human');
      changed.push(id);
    }
    return changed;
  });
}

/**
 * Labels (or clears) many images in one transaction and reports what changed. `durationMs`, the
 * time from the image shown to this label, is kept for a single image only (bulk labels have none).
 */
export function labelCommand(
  s: ProjectSession,
  n: Notifier,
  ids: number[],
  to: LabelTo,
  durationMs?: number,
): LabelChange {
  for (const id of ids) s.image(id);
  const changed = applyLabels(
    s,
    ids.map((id) => ({ id, to })),
    ids.length === 1 ? durationMs : undefined,
  );
  if (changed.length) {
    n.labelsChanged(changed);
    n.countsChanged();
    if (to) n.labelsAdded(changed.length);
  }
  return { changed: changed.length };
}

export function setLabels(
  s: ProjectSession,
  n: Notifier,
  p: { imageIds: number[]; label: string; source: AnnotationSource; durationMs?: number },
): LabelChange {
  if (!s.store.listClasses('image').some((c) => c.name === p.label))
    throw new InvalidInputError(`unknown class '${p.label}'; add it to the project's classes first`);
  return labelCommand(s, n, p.imageIds, { label: p.label, source: p.source }, p.durationMs);
}

export function clearLabels(s: ProjectSession, n: Notifier, imageIds: number[]): LabelChange {
  return labelCommand(s, n, imageIds, null);
}

/** Flags images for (or clears them from) review by a second person. */
export function setReviewFlags(
  s: ProjectSession,
  n: Notifier,
  imageIds: number[],
  needsReview: boolean,
): LabelChange {
  const changed = imageIds.filter((id) => s.setNeedsReview(id, needsReview));
  if (changed.length) {
    n.labelsChanged(changed);
    n.countsChanged();
  }
  return { changed: changed.length };
}
