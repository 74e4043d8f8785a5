/** Label and review-flag use cases: one undoable step per request, however many images. */
import { InvalidInputError } from '../errors.ts';
import type { AnnotationSource } from '../store/types.ts';
import type { HistoryState, StepInfo } from './history.ts';
import type { Notifier } from './notify.ts';
import type { ProjectSession } from './session.ts';

export type LabelTo = { label: string; source: AnnotationSource } | null;

export interface LabelChange {
  /** Images whose label actually changed (the same label again is not a change). */
  changed: number;
  history: HistoryState;
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

/** Records one undoable label step over many images (bulk labelling is one step). */
export function labelCommand(
  s: ProjectSession,
  n: Notifier,
  ids: number[],
  to: LabelTo,
  what: string,
  /** Time from the image shown to this label: kept for one image's labelling only. */
  durationMs?: number,
): LabelChange {
  for (const id of ids) s.image(id);
  const before = new Map<number, LabelTo>(
    ids.map((id) => {
      const l = s.store.getLabel(id);
      return [id, l ? { label: l.label, source: l.source } : null];
    }),
  );
  // Annotation time belongs to one image's first labelling, never to its undo or redo.
  const changed = applyLabels(
    s,
    ids.map((id) => ({ id, to })),
    ids.length === 1 ? durationMs : undefined,
  );
  if (changed.length) {
    const step = (dir: 'undo' | 'redo'): StepInfo => {
      const done = applyLabels(
        s,
        changed.map((id) => ({ id, to: dir === 'undo' ? (before.get(id) ?? null) : to })),
      );
      n.labelsChanged(done);
      return { kind: 'label', imageIds: changed, description: what };
    };
    s.history.push({ description: what, undo: () => step('undo'), redo: () => step('redo') });
    n.labelsChanged(changed);
    n.historyChanged(s.history.state());
    n.countsChanged();
    if (to) n.labelsAdded(changed.length);
  }
  return { changed: changed.length, history: s.history.state() };
}

const images = (k: number) => (k === 1 ? 'image' : `${k} images`);

export function setLabels(
  s: ProjectSession,
  n: Notifier,
  p: { imageIds: number[]; label: string; source: AnnotationSource; durationMs?: number },
): LabelChange {
  if (!s.store.listClasses('image').some((c) => c.name === p.label))
    throw new InvalidInputError(`unknown class '${p.label}'; add it to the project's classes first`);
  return labelCommand(
    s,
    n,
    p.imageIds,
    { label: p.label, source: p.source },
    `label ${images(p.imageIds.length)} as ${p.label}`,
    p.durationMs,
  );
}

export function clearLabels(s: ProjectSession, n: Notifier, imageIds: number[]): LabelChange {
  return labelCommand(s, n, imageIds, null, `clear label of ${images(imageIds.length)}`);
}

/** Flags images for (or clears them from) review by a second person; not an undo step. */
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
  return { changed: changed.length, history: s.history.state() };
}

/** Undo or redo the last label or mask step, in turn with edits (`session.serial`). */
export function historyStep(
  s: ProjectSession,
  n: Notifier,
  dir: 'undo' | 'redo',
): Promise<{ applied: StepInfo | null; history: HistoryState }> {
  return s.serial(async () => {
    const applied = dir === 'undo' ? await s.history.undo() : await s.history.redo();
    const history = s.history.state();
    n.historyChanged(history);
    if (applied?.kind === 'label') n.countsChanged();
    return { applied, history };
  });
}
