import { readFeatures } from '../model/features.ts';
import { stack } from '../stats/matrix.ts';
import type { ImageListItem, ProjectStore } from '../store/types.ts';
import { confoundingChecks } from './confounding.ts';
import { finalPooled } from './training-set.ts';
import type { ConfoundingReport } from './types.ts';

/**
 * Shortcut checks on the images a training run uses. Label × source always; the source probe
 * too when their pooled vectors (`pooled` or `pooled3`) are cached (always for the linear head;
 * other heads read other layers, and the check must not add an encoder pass to every training run).
 */
export function trainingChecks(
  project: ProjectStore,
  images: Array<Pick<ImageListItem, 'id' | 'label' | 'source' | 'patientId'>>,
  encoderId?: string,
): ConfoundingReport {
  const items = images.map((i) => ({ label: i.label ?? '', source: i.source, patientId: i.patientId }));
  if (!encoderId || images.length < 10) return confoundingChecks(items);
  // Whichever pooled vectors training cached (the small-set head reads `pooled3`).
  const layer = (['pooled', 'pooled3'] as const).find((l) => {
    const have = project.imagesWithFeatures(encoderId, [l], 0);
    return images.every((i) => have.has(i.id));
  });
  if (!layer) return confoundingChecks(items);
  const f = readFeatures(
    project,
    encoderId,
    images.map((i) => i.id),
    layer,
  );
  const rows = f.map((a) => finalPooled(a.data, layer));
  const dim = rows[0].length;
  return confoundingChecks(items, { x: stack(rows, dim), dim });
}
