/** The overview of an open project that every shell shows: classes, counts, active models. */
import { DEFAULT_TASK } from '../store/types.ts';
import { activeModels } from './models.ts';
import type { ProjectSession } from './session.ts';

/** Counts come from counters the store keeps in each write's transaction: O(1) in the project size. */
export function projectInfo(s: ProjectSession) {
  const { store } = s;
  s.syncGrid();
  const c = store.gridCounts();
  const classes = store.listClasses();
  const perClass: Record<string, number> = {};
  for (const cl of classes)
    if (cl.kind === 'image' && cl.task === DEFAULT_TASK) perClass[cl.name] = c.byClassId[cl.id] ?? 0;
  const labelled = Object.values(c.byClassId).reduce((a, b) => a + b, 0);
  return {
    path: store.dir,
    name: store.info.name,
    classes: classes.map((cl) => ({ id: cl.id, name: cl.name, kind: cl.kind, color: cl.color })),
    counts: {
      images: c.images,
      labelled,
      unlabelled: c.images - labelled,
      suggested: c.byState.suggested,
      needsReview: c.byState['needs-review'],
      masks: c.masks,
      perClass,
      perSource: c.bySource,
    },
    activeModelId: s.activeModelId(),
    activeModels: activeModels(store),
    /** Everyone who wrote a current label or mask (the grid's author filter). */
    authors: store.listAuthors(),
  };
}
