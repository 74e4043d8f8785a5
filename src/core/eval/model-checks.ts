import type { Encoder } from '../model/encoder.ts';
import type { RunControl } from '../model/types.ts';
import type { ModelRow, ProjectStore } from '../store/types.ts';
import { confoundingChecks } from './confounding.ts';
import { calibrateOod, type OodReference, oodReference } from './ood.ts';
import {
  checkLayer,
  groupOf,
  type ModelTrainingImages,
  modelTrainingImages,
  type PooledLayer,
  pooledMatrix,
} from './training-set.ts';
import type { ConfoundingReport, OodCalibration } from './types.ts';

export interface ModelContext {
  training: ModelTrainingImages;
  /** Feature layer of the OOD reference and source probe (evaluation images must use the same). */
  layer: PooledLayer;
  confounding: ConfoundingReport;
  ood?: { ref: OodReference; cal: OodCalibration };
}

/**
 * What evaluation needs to know about a trained model's training data: which images (overlap),
 * the shortcut checks on them (with the source probe on their pooled features) and the
 * out-of-distribution reference calibrated on held-out training folds.
 */
export async function modelContext(
  project: ProjectStore,
  encoder: Encoder,
  row: ModelRow,
  ctl: RunControl = {},
): Promise<ModelContext> {
  const training = modelTrainingImages(project, row);
  const imgs = training.images;
  const items = imgs.map((i) => ({ label: i.label, source: i.source, patientId: i.patientId }));
  const layer = checkLayer(row);
  if (imgs.length < 2) return { training, layer, confounding: confoundingChecks(items) };
  const feats = await pooledMatrix(
    project,
    encoder,
    imgs.map((i) => i.id),
    ctl,
    layer,
  );
  const confounding = confoundingChecks(items, feats);
  const ref = oodReference(feats.x, feats.dim);
  const cal = calibrateOod(ref, imgs.map(groupOf));
  return { training, layer, confounding, ood: { ref, cal } };
}
