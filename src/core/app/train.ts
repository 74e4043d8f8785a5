/**
 * Train-then-score use case: trains a classifier or a segmenter, gives it a readable name,
 * applies the promotion rule (a worse model stays a candidate), scores every image with a new
 * classifier and stores the split the run used on the images, so filters and exports show it;
 * a new segmenter stores its predicted masks and uncertainty (seg-predictions.ts).
 */
import { z } from 'zod';
import type { RunControl } from '../model/types.ts';
import { DEFAULT_TASK, type ModelKind, type ProjectStore, type Split } from '../store/types.ts';
import type {
  ClassifierMetrics,
  EngineOptions,
  SegmentMetrics,
  TrainClassifierOptions,
  TrainSegmenterOptions,
} from '../train/types.ts';
import { carryThreshold, inheritedTarget } from './model-threshold.ts';
import { activeModelId, type Promotion, promoteIfNotWorse, readableName } from './models.ts';
import { storeSegPredictions } from './seg-predictions.ts';

export interface TrainRequest extends Pick<EngineOptions, 'provider'> {
  task: ModelKind;
  head?: 'linear' | 'attentive' | 'blocks:1' | 'blocks:2' | 'auto';
  maskClass?: string;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  valFraction?: number;
  augment?: boolean;
  /** Fit the final classifier on every label, with the cross-validated or held-out estimate attached. */
  all?: boolean;
  /** Two classes: choose the threshold for this sensitivity or specificity (not both). */
  targetSensitivity?: number;
  targetSpecificity?: number;
  seed?: number;
  name?: string;
  /** Engine options only the CLI exposes (label task, encoder folder, decoder variant). */
  engine?: Pick<TrainClassifierOptions, 'task' | 'encoderDir' | 'targetSensitivity' | 'targetSpecificity'> &
    Pick<TrainSegmenterOptions, 'dense' | 'stem'>;
  /** Score every image with a new classifier (default true; the CLI's one-off runs skip it). */
  score?: boolean;
}

export interface TrainOutcome {
  modelId: number;
  name: string;
  head: string;
  classes: string[];
  trainImages: number;
  valImages: number;
  /** Validation image ids of the run (patient-grouped). */
  valImageIds: number[];
  promoted: boolean;
  promotion: string;
  metrics: ClassifierMetrics | SegmentMetrics;
  history: Array<{ epoch: number; trainLoss: number; valLoss: number }>;
  timings: { featuresMs: number; trainMs: number; evalMs: number };
  backend: string;
  provider: string;
}

const ValIds = z.array(z.number().int());

export async function trainAndScore(
  store: ProjectStore,
  req: TrainRequest,
  ctl: RunControl = {},
): Promise<TrainOutcome> {
  // The engine loads TF.js and ONNX Runtime: only when a training actually runs.
  const { labelledImages, predict, trainClassifier, trainSegmenter } = await import('../train/index.ts');
  const common = {
    provider: req.provider,
    epochs: req.epochs,
    lr: req.learningRate,
    batchSize: req.batchSize,
    valFraction: req.valFraction,
    seed: req.seed,
    name: req.name,
    encoderDir: req.engine?.encoderDir,
  };
  const before = req.task === 'classify' ? activeModelId(store, 'classify') : null;
  const explicit = [
    req.engine?.targetSensitivity,
    req.engine?.targetSpecificity,
    req.targetSensitivity,
    req.targetSpecificity,
  ].some((v) => v !== undefined);
  const r =
    req.task === 'classify'
      ? await trainClassifier(
          store,
          {
            ...common,
            head: req.head,
            augment: req.augment,
            all: req.all,
            task: req.engine?.task,
            ...(explicit
              ? {
                  targetSensitivity: req.engine?.targetSensitivity ?? req.targetSensitivity,
                  targetSpecificity: req.engine?.targetSpecificity ?? req.targetSpecificity,
                }
              : inheritedTarget(store, before)),
          },
          ctl,
        )
      : await trainSegmenter(
          store,
          { ...common, maskClass: req.maskClass, dense: req.engine?.dense, stem: req.engine?.stem },
          ctl,
        );
  const row = store.getModel(r.modelId);
  const parsedVal = ValIds.safeParse(row?.config.valImageIds);
  const valImageIds = parsedVal.success ? parsedVal.data : [];
  let name = row?.name ?? '';
  if (!req.name) {
    const ordinal = store.listModels({ kind: req.task }).filter((m) => m.id <= r.modelId).length;
    name = readableName(req.task, r.head, ordinal, {
      classes: r.classes,
      maskClass: req.maskClass,
      images: r.trainImages + r.valImages,
    });
    store.renameModel(r.modelId, name);
  }
  // The rule the user chose travels to the retrain, with its provenance read on the new model.
  if (req.task === 'classify' && !explicit) carryThreshold(store, before, r.modelId);
  const promotion: Promotion = promoteIfNotWorse(store, r.modelId);
  if (req.task === 'classify' && req.score !== false)
    // Scores every image: the grid's predictions and the model view's curves read them.
    await predict(store, { modelId: r.modelId, provider: req.provider }, ctl);
  if (req.task === 'segment' && req.score !== false)
    // Pre-fills for the unmasked images and the model view's sample overlays.
    await storeSegPredictions(
      store,
      r.modelId,
      { provider: req.provider, encoderDir: req.engine?.encoderDir },
      ctl,
    );
  if (req.task === 'classify' && promotion.promoted) {
    const used = labelledImages(store, req.engine?.task ?? DEFAULT_TASK)
      .filter((i) => r.classes.includes(i.label!))
      .map((i) => i.id);
    storeSplit(store, used, new Set(valImageIds));
  }
  return {
    modelId: r.modelId,
    name,
    head: r.head,
    classes: r.classes,
    trainImages: r.trainImages,
    valImages: r.valImages,
    valImageIds,
    promoted: promotion.promoted,
    promotion: promotion.reason,
    metrics: r.metrics,
    history: r.history,
    timings: r.timings,
    backend: r.backend,
    provider: r.provider.provider,
  };
}

/**
 * The active classifier's split, on the images: its validation images 'val', the rest of what
 * it trained on 'train', everything else unassigned. A 'test' split set by hand is kept.
 */
export function storeSplit(store: ProjectStore, used: number[], val: Set<number>): void {
  const want = new Map<number, Split>(used.map((id) => [id, val.has(id) ? 'val' : 'train']));
  store.transaction(() => {
    for (const img of store.listImages({ limit: 1e9 }).items) {
      if (img.split === 'test') continue;
      const next = want.get(img.id) ?? null;
      if (img.split !== next) store.updateImage(img.id, { split: next });
    }
  });
}
