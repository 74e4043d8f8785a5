import path from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { operatingPoint, targetFrom } from '../eval/operating.ts';
import { trainingChecks } from '../eval/training-checks.ts';
import { TRAINED_ON_KEY } from '../eval/training-set.ts';
import { ensureFeatures, readFeatures } from '../model/features.ts';
import type { FeatureArray, RunControl, ViewId } from '../model/types.ts';
import { DEFAULT_TASK, type ImageListItem, type ProjectStore } from '../store/types.ts';
import { initTf, tf } from './backend.ts';
import { fitTemperature, softmaxRow } from './calibrate.ts';
import {
  buildHead,
  type ClassifierConfig,
  encoderInfo,
  featureBatcher,
  headLayer,
  serialiseHead,
  standardise,
} from './classifier.ts';
import { exclusive, getEncoder, projectInputLoader } from './engine.ts';
import { type FitOptions, fit, predictLogitsAsync } from './fit.ts';
import { disposeHead, type Head } from './heads.ts';
import { fitLinear } from './linear-fit.ts';
import { chooseThreshold, classifierReport, positiveIndex } from './report.ts';
import { groupedSplit } from './split.ts';
import type { ClassifierHead, TrainClassifierOptions, TrainResult } from './types.ts';

const DEFAULTS: Record<
  string,
  { epochs: number; lr: number; batchSize: number; patience: number; weightDecay: number }
> = {
  // Full-batch for the probe: one step per epoch keeps a 1,000-image retrain interactive.
  linear: { epochs: 120, lr: 2e-2, batchSize: 4096, patience: 10, weightDecay: 1e-3 },
  attentive: { epochs: 60, lr: 1e-3, batchSize: 64, patience: 10, weightDecay: 1e-4 },
  blocks: { epochs: 20, lr: 1e-4, batchSize: 32, patience: 5, weightDecay: 1e-4 },
};

/** Active, labelled images of a task whose label is one of the task's classes. */
export function labelledImages(project: ProjectStore, task: string, only?: number[]): ImageListItem[] {
  const items = project.listImages({ task, labelled: true, status: 'active', limit: 1e9 }).items;
  const keep = only ? new Set(only) : null;
  return items.filter((i) => i.label !== null && (!keep || keep.has(i.id)));
}

/**
 * Trains a classification head on the project's labelled images: computes missing features,
 * splits by patient, fits with class weights and early stopping, calibrates by temperature,
 * picks the two-class threshold (Youden) on validation, and saves model + run.
 */
export function trainClassifier(
  project: ProjectStore,
  opts: TrainClassifierOptions = {},
  ctl: RunControl = {},
): Promise<TrainResult> {
  return exclusive(project, async () => {
    const task = opts.task ?? DEFAULT_TASK;
    const head: ClassifierHead = opts.head ?? 'linear';
    const seed = opts.seed ?? 0;
    const classes = project.listClasses('image', task).map((c) => c.name);
    const imgs = labelledImages(project, task, opts.imageIds).filter((i) => classes.includes(i.label!));
    const counts = classes.map((c) => imgs.filter((i) => i.label === c).length);
    const present = classes.filter((_, k) => counts[k] > 0);
    if (present.length < 2 || imgs.length < 4) {
      throw new InvalidInputError(
        `task '${task}': need labelled images of at least 2 classes (have ${classes.map((c, k) => `${c}: ${counts[k]}`).join(', ') || 'no classes'})`,
      );
    }
    const encoder = await getEncoder(project, opts);
    const tfInfo = await initTf();
    const run = project.saveRun({
      kind: 'train-classify',
      status: 'running',
      config: { ...opts, head, task },
    });
    try {
      const layer = headLayer(head, encoder.depth);
      const views: ViewId[] = opts.augment ? [0, 1] : [0];
      const feat = await ensureFeatures(
        project,
        encoder,
        imgs.map((i) => i.id),
        projectInputLoader(project, encoder),
        [layer],
        views,
        ctl,
      );
      const t1 = performance.now();
      const cls = new Map(classes.map((c, k) => [c, k]));
      const split = groupedSplit(
        imgs.map((i) => ({
          id: i.id,
          group: i.patientId ? `p:${i.patientId}` : `i:${i.id}`,
          label: cls.get(i.label!)!,
        })),
        opts.valFraction ?? 0.2,
        seed,
      );
      const byId = new Map(imgs.map((i) => [i.id, i]));
      const trainX: FeatureArray[] = [];
      const trainY: number[] = [];
      for (const v of views) {
        trainX.push(...readFeatures(project, encoder.id, split.train, layer, v));
        trainY.push(...split.train.map((id) => cls.get(byId.get(id)!.label!)!));
      }
      const valX = readFeatures(project, encoder.id, split.val, layer, 0);
      const valY = split.val.map((id) => cls.get(byId.get(id)!.label!)!);
      const kind = head.startsWith('blocks') ? 'blocks' : head;
      const hp = { ...DEFAULTS[kind], ...pick(opts) };
      const cfg: ClassifierConfig = {
        head,
        classes,
        layer,
        dim: encoder.dim,
        temperature: 1,
        positive: positiveIndex(classes),
        threshold: null,
        encoder: encoderInfo(encoder),
        hyper: { ...hp, seed, valFraction: opts.valFraction ?? 0.2, augment: !!opts.augment },
      };
      const norm = head === 'linear' ? standardise(trainX) : {};
      const model = buildHead(cfg, seed, {
        ...norm,
        encoderWeights: path.join(encoder.dir, 'weights.safetensors'),
      });
      try {
        const n = trainY.length;
        const classWeights = classes.map((_, k) => {
          const c = trainY.filter((y) => y === k).length;
          return c ? n / (classes.length * c) : 0;
        });
        const { history } =
          head === 'linear'
            ? await fitLinearHead(
                model,
                trainX,
                trainY,
                valX,
                valY,
                classes.length,
                norm as Norm,
                { ...hp, classWeights, seed },
                ctl,
              )
            : await fit(
                model,
                { x: featureBatcher(trainX), y: Int32Array.from(trainY) },
                { x: featureBatcher(valX), y: Int32Array.from(valY) },
                classes.length,
                { ...hp, classWeights, seed },
                ctl,
              );
        const t2 = performance.now();
        const c = classes.length;
        const logits = await predictLogitsAsync(model, featureBatcher(valX), c);
        cfg.temperature = fitTemperature(logits, valY, c);
        const probs = valY.map((_, i) => softmaxRow(logits, i * c, c, cfg.temperature));
        if (cfg.positive !== null && valY.length) {
          const target = targetFrom(opts);
          cfg.threshold = target
            ? operatingPoint(
                probs.map((p) => p[cfg.positive!]),
                valY.map((y) => y === cfg.positive),
                target,
              ).threshold
            : chooseThreshold(probs, valY, cfg.positive);
        }
        const metrics = classifierReport(
          probs,
          valY,
          classes,
          split.val.map((id) => byId.get(id)!.source),
          cfg.threshold,
          seed,
        );
        // Shortcut checks travel with the model, so every shell shows them beside its figures.
        const checks = trainingChecks(project, imgs, encoder.id);
        metrics.warnings = checks.warnings;
        metrics.confounding = checks;
        ctl.signal?.throwIfAborted();
        const timings = {
          featuresMs: Math.round(feat.ms),
          trainMs: Math.round(t2 - t1),
          evalMs: Math.round(performance.now() - t2),
        };
        const saved = project.saveModel({
          name: opts.name ?? `${head} ${task} ${new Date().toISOString().slice(0, 16)}`,
          kind: 'classify',
          head,
          encoderId: encoder.id,
          task,
          // Split sizes travel with the model so that model lists can show them.
          config: {
            ...(cfg as unknown as Record<string, unknown>),
            trainImages: split.train.length,
            valImages: split.val.length,
            // Every image this model saw (fit or validation): overlap and drift checks read it.
            [TRAINED_ON_KEY]: imgs.map((i) => i.id),
            // The model view's curves are drawn on exactly these images.
            valImageIds: split.val,
          },
          metrics: metrics as unknown as Record<string, unknown>,
          history,
          weights: serialiseHead(model, cfg),
          runId: run.id,
        });
        project.saveRun({
          id: run.id,
          kind: 'train-classify',
          status: 'done',
          modelId: saved.id,
          metrics: metrics as unknown as Record<string, unknown>,
          timings,
        });
        return {
          modelId: saved.id,
          runId: run.id,
          head,
          classes,
          trainImages: split.train.length,
          valImages: split.val.length,
          metrics,
          history,
          timings,
          features: { computed: feat.computed, cached: feat.cached },
          backend: tfInfo.backend,
          provider: encoder.provider,
        };
      } finally {
        disposeHead(model);
      }
    } catch (e) {
      const cancelled = ctl.signal?.aborted;
      project.saveRun({
        id: run.id,
        kind: 'train-classify',
        status: cancelled ? 'cancelled' : 'failed',
        error: (e as Error).message,
      });
      throw e;
    }
  });
}

type Norm = { mean: Float32Array; std: Float32Array };

/** Fits the linear probe in plain JS (see linear-fit.ts) and loads the result into the TF.js head. */
async function fitLinearHead(
  model: Head,
  trainX: FeatureArray[],
  trainY: number[],
  valX: FeatureArray[],
  valY: number[],
  classes: number,
  norm: Norm,
  o: FitOptions,
  ctl: RunControl,
) {
  const r = await fitLinear(
    trainX.map((f) => f.data),
    Int32Array.from(trainY),
    valX.map((f) => f.data),
    Int32Array.from(valY),
    classes,
    norm.mean,
    norm.std,
    o,
    ctl,
  );
  model.vars['linear.weight'].assign(tf.tensor2d(r.weight, [norm.mean.length, classes]));
  model.vars['linear.bias'].assign(tf.tensor1d(r.bias));
  return { history: r.history };
}

function pick(
  o: TrainClassifierOptions,
): Partial<Record<'epochs' | 'lr' | 'batchSize' | 'patience' | 'weightDecay', number>> {
  const out: Record<string, number> = {};
  for (const k of ['epochs', 'lr', 'batchSize', 'patience', 'weightDecay'] as const)
    if (o[k] !== undefined) out[k] = o[k]!;
  return out;
}
