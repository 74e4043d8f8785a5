import { NotFoundError } from '../errors.ts';
import { projectOod } from '../eval/project-ood.ts';
import { encodeGrayPng } from '../imaging/index.ts';
import { ensureFeatures } from '../model/features.ts';
import type { RunControl } from '../model/types.ts';
import type { ModelKind, ModelRow, PredictionWrite, ProjectStore } from '../store/types.ts';
import { initTf } from './backend.ts';
import { loadClassifier, scoreCached } from './classifier.ts';
import { getEncoder, projectInputLoader } from './engine.ts';
import { classifierConfig, segmenterConfig } from './model-config.ts';
import { decideClass } from './report.ts';
import { loadSegmenter } from './segment.ts';
import type { EngineOptions, PredictOptions, PredictResult } from './types.ts';

/**
 * The requested model, or the task's active one (the model the user or the promotion rule made
 * active, never merely the newest: that may be a segmenter, a candidate or an archived model);
 * with its weights. Errors say what is missing.
 */
export function openModel(
  project: ProjectStore,
  modelId?: number,
  kind: ModelKind = 'classify',
): { row: ModelRow; weights: Uint8Array } {
  const row = project.getModel(modelId ?? project.resolveActiveModelId(kind) ?? -1);
  if (!row)
    throw new NotFoundError(
      modelId !== undefined
        ? `model ${modelId} not found in ${project.dir}`
        : `project ${project.dir} has no ${kind === 'classify' ? 'classifier' : 'segmenter'}; run 'spcxr train${kind === 'segment' ? ' --task segment' : ''}' first`,
    );
  const weights = project.getModelWeights(row.id);
  if (!weights) throw new Error(`model ${row.id} has no stored weights`);
  return { row, weights };
}

/** The encoder for a model; refuses one the model was not trained on (its features differ). */
export async function encoderForModel(project: ProjectStore, row: ModelRow, o: EngineOptions) {
  const encoder = await getEncoder(project, o);
  if (encoder.id !== row.encoderId) {
    throw new Error(
      `model ${row.id} was trained on encoder ${row.encoderId.slice(0, 12)}…, but the current encoder (${encoder.dir}) is ${encoder.id.slice(0, 12)}…; retrain or pass --encoder`,
    );
  }
  return encoder;
}

/**
 * Scores project images with a model and stores the predictions (kept apart from labels):
 * class probabilities for classifiers, masks at the original geometry for segmenters.
 */
export async function predict(
  project: ProjectStore,
  opts: PredictOptions = {},
  ctl: RunControl = {},
): Promise<PredictResult> {
  const t0 = performance.now();
  await initTf();
  const { row, weights } = openModel(project, opts.modelId);
  const encoder = await encoderForModel(project, row, opts);
  const ids = opts.imageIds ?? project.listImages({ status: 'active', limit: 1e9 }).items.map((i) => i.id);
  let ood: PredictResult['ood'];
  let predicted: PredictResult['predicted'];
  let threshold: number | null = null;
  const warnings: NonNullable<PredictResult['warnings']> = [];
  if (row.kind === 'classify') {
    const m = loadClassifier(classifierConfig(row), weights);
    threshold = m.config.threshold;
    const counts = m.config.classes.map(() => 0);
    try {
      await ensureFeatures(
        project,
        encoder,
        ids,
        projectInputLoader(project, encoder),
        [m.config.layer],
        [0],
        ctl,
      );
      const CHUNK = 1000;
      for (let i = 0; i < ids.length; i += CHUNK) {
        ctl.signal?.throwIfAborted();
        const part = ids.slice(i, i + CHUNK);
        const probs = scoreCached(project, m, part);
        for (const p of probs) counts[decideClass(p, m.config.positive, m.config.threshold)]++;
        project.putPredictions(
          row.id,
          part.map((imageId, j) => ({
            imageId,
            probs: Object.fromEntries(m.config.classes.map((c, k) => [c, probs[j][k]])),
          })),
        );
        ctl.onProgress?.({ phase: 'predict', done: Math.min(ids.length, i + CHUNK), total: ids.length });
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      m.dispose();
    }
    predicted = Object.fromEntries(m.config.classes.map((c, k) => [c, counts[k]]));
    const o = await projectOod(project, encoder, row, ids, ctl);
    if (o) {
      ood = o.summary;
      warnings.push(...o.warnings);
    }
  } else {
    const s = loadSegmenter(segmenterConfig(row), weights);
    try {
      for (let i = 0; i < ids.length; i += encoder.batchSize) {
        ctl.signal?.throwIfAborted();
        const part = ids.slice(i, i + encoder.batchSize);
        const masks = await s.predictFiles(
          encoder,
          part.map((id) => project.imagePath(project.getImage(id)!)),
        );
        const writes: PredictionWrite[] = [];
        for (let j = 0; j < part.length; j++)
          writes.push({
            imageId: part[j],
            mask: await encodeGrayPng(masks[j].mask, masks[j].width, masks[j].height),
          });
        project.putPredictions(row.id, writes);
        ctl.onProgress?.({
          phase: 'predict',
          done: Math.min(ids.length, i + part.length),
          total: ids.length,
        });
      }
    } finally {
      s.dispose();
    }
  }
  return {
    modelId: row.id,
    kind: row.kind,
    scored: ids.length,
    ms: Math.round(performance.now() - t0),
    ...(predicted ? { predicted, threshold, ...thresholdRule(row) } : {}),
    ...(ood ? { ood } : {}),
    warnings,
  };
}

/** The user's rule for the threshold (set with models.setThreshold / `spcxr threshold`), if any. */
function thresholdRule(row: ModelRow): { thresholdRule?: string } {
  const rule = (row.config as { thresholdChoice?: { rule?: unknown } }).thresholdChoice?.rule;
  return typeof rule === 'string' ? { thresholdRule: rule } : {};
}
