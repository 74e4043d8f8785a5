import path from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { operatingPoint, targetFrom } from '../eval/operating.ts';
import { trainingChecks } from '../eval/training-checks.ts';
import { TRAINED_ON_KEY } from '../eval/training-set.ts';
import { ensureFeatures, readFeatures } from '../model/features.ts';
import type { FeatureArray, RunControl, ViewId } from '../model/types.ts';
import { groupsPerClass } from '../stats/folds.ts';
import { DEFAULT_TASK, type ImageListItem, type ProjectStore } from '../store/types.ts';
import { initTf, tf } from './backend.ts';
import { fitTemperature, softmaxRow } from './calibrate.ts';
import {
  buildHead,
  type ClassifierConfig,
  CV_LIMIT,
  encoderInfo,
  featureBatcher,
  headLayer,
  serialiseHead,
} from './classifier.ts';
import { exclusive, getEncoder, projectInputLoader } from './engine.ts';
import { buildEstimate } from './estimate.ts';
import { fit, predictLogitsAsync } from './fit.ts';
import { chooseHeadByCv } from './head-choice.ts';
import type { Head } from './heads.ts';
import { type LinearTrainResult, trainLinear } from './linear-train.ts';
import { chooseThreshold, classifierReport, positiveIndex } from './report.ts';
import { saveTrained, type TrainingRun, trainingRun } from './run.ts';
import { groupedSplit, type SplitItem } from './split.ts';
import type {
  ClassifierHead,
  ClassifierMetrics,
  HeadChoice,
  TrainClassifierOptions,
  TrainResult,
} from './types.ts';

const DEFAULTS: Record<
  string,
  { epochs: number; lr: number; batchSize: number; patience: number; weightDecay: number }
> = {
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
    const requested = opts.head ?? 'linear';
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
    return trainingRun(project, 'train-classify', { ...opts, head: requested, task }, ctl, async (run) => {
      const auto = requested === 'auto';
      const layerOf = (h: ClassifierHead) => headLayer(h, encoder.depth, imgs.length);
      const views: ViewId[] = opts.augment ? [0, 1] : [0];
      // `auto` needs both heads' features; one encoder pass computes them together.
      const feat = await ensureFeatures(
        project,
        encoder,
        imgs.map((i) => i.id),
        projectInputLoader(project, encoder),
        auto ? [layerOf('linear'), layerOf('attentive')] : [layerOf(requested)],
        views,
        ctl,
      );
      const t1 = performance.now();
      const cls = new Map(classes.map((c, k) => [c, k]));
      const items: SplitItem[] = imgs.map((i) => ({
        id: i.id,
        group: i.patientId ? `p:${i.patientId}` : `i:${i.id}`,
        label: cls.get(i.label!)!,
        stratum: i.source ?? undefined,
      }));
      const cfgFor = (h: ClassifierHead): ClassifierConfig => ({
        head: h,
        classes,
        layer: layerOf(h),
        dim: encoder.dim,
        temperature: 1,
        positive: positiveIndex(classes),
        threshold: null,
        encoder: encoderInfo(encoder),
        hyper: { seed, valFraction: opts.valFraction ?? 0.2, augment: !!opts.augment, all: !!opts.all },
      });
      const fitOne = (cfg: ClassifierConfig) =>
        cfg.head === 'linear'
          ? fitLinearHead(project, encoder.id, imgs, items, cfg, opts, run, ctl)
          : fitEpochHead(project, encoder, imgs, items, cfg, opts, run, ctl);
      let head: ClassifierHead = auto ? 'linear' : requested;
      let choice: HeadChoice | undefined;
      const kMin = Math.min(...[...groupsPerClass(items).values()]);
      if (auto && imgs.length < CV_LIMIT && kMin >= 2) {
        const ids = imgs.map((i) => i.id);
        const att = cfgFor('attentive');
        choice = await chooseHeadByCv(
          {
            items,
            pooled: readFeatures(project, encoder.id, ids, layerOf('linear'), 0),
            tokens: readFeatures(project, encoder.id, ids, att.layer, 0),
            folds: Math.min(5, kMin),
            seed,
            attentive: att,
            hyper: { ...DEFAULTS.attentive, ...pick(opts) },
            encoderWeights: path.join(encoder.dir, 'weights.safetensors'),
          },
          ctl,
        );
        head = choice.chosen;
      }
      let cfg = cfgFor(head);
      let fitted = await fitOne(cfg);
      if (auto && !choice) {
        // From CV_LIMIT labels both heads fit on the same patient split; the higher holdout AUC wins.
        const t = performance.now();
        const other = cfgFor('attentive');
        const second = await fitOne(other);
        const [a, b] = [
          fitted.metrics.estimate?.auc ?? Number.NaN,
          second.metrics.estimate?.auc ?? Number.NaN,
        ];
        choice = {
          method: 'holdout',
          folds: 1,
          linear: a,
          attentive: b,
          chosen: b > a ? 'attentive' : 'linear',
          ms: Math.round(performance.now() - t),
        };
        if (b > a) {
          run.free(fitted.model);
          [fitted, cfg, head] = [second, other, 'attentive'];
        } else run.free(second.model);
      }
      const { model, metrics, history, trainImages, valImages, valImageIds, outOfFold } = fitted;
      if (choice) metrics.headChoice = choice;
      const t2 = performance.now();
      // Shortcut checks travel with the model, so every shell shows them beside its figures.
      const checks = trainingChecks(project, imgs, encoder.id);
      metrics.warnings = checks.warnings;
      metrics.confounding = checks;
      return saveTrained(
        project,
        run,
        {
          name: opts.name ?? `${head} ${task} ${new Date().toISOString().slice(0, 16)}`,
          kind: 'classify',
          head,
          encoderId: encoder.id,
          task,
          // Split sizes travel with the model so that model lists can show them.
          // The curves of the model view read the images the metrics came from: the validation
          // split, or the out-of-fold predictions of cross-validation (the final model saw them all).
          config: {
            ...cfg,
            trainImages,
            valImages,
            // Every image this model saw (fit or validation): overlap and drift checks read it.
            [TRAINED_ON_KEY]: imgs.map((i) => i.id),
            valImageIds,
            ...(outOfFold ? { outOfFold } : {}),
          },
          weights: serialiseHead(model, cfg),
        },
        {
          head,
          classes,
          trainImages,
          valImages,
          metrics,
          history,
          timings: { featuresMs: Math.round(feat.ms), trainMs: Math.round(t2 - t1), evalMs: 0 },
          features: { computed: feat.computed, cached: feat.cached },
          backend: tfInfo.backend,
          provider: encoder.provider,
        },
        ctl,
      );
    });
  });
}

/** The two-class threshold: the user's target sensitivity/specificity, else Youden's J. */
export function thresholdChooser(opts: TrainClassifierOptions) {
  const target = targetFrom(opts);
  return (probs: number[][], y: number[], pos: number): number =>
    target
      ? operatingPoint(
          probs.map((p) => p[pos]),
          y.map((v) => v === pos),
          target,
        ).threshold
      : chooseThreshold(probs, y, pos);
}

interface Fitted {
  model: Head;
  metrics: ClassifierMetrics;
  history: TrainResult['history'];
  trainImages: number;
  valImages: number;
  valImageIds: number[];
  outOfFold?: { imageIds: number[]; probs: number[][] };
}

/** The exact linear head (linear-train.ts), loaded into the TF.js head that saves and scores it. */
async function fitLinearHead(
  project: ProjectStore,
  encoderId: string,
  imgs: ImageListItem[],
  items: SplitItem[],
  cfg: ClassifierConfig,
  opts: TrainClassifierOptions,
  run: TrainingRun,
  ctl: RunControl,
): Promise<Fitted> {
  const ids = imgs.map((i) => i.id);
  const r: LinearTrainResult = await trainLinear(
    {
      x: readFeatures(project, encoderId, ids, cfg.layer, 0),
      flipped: opts.augment ? readFeatures(project, encoderId, ids, cfg.layer, 1) : undefined,
      items,
      sources: imgs.map((i) => i.source),
      classes: cfg.classes,
      positive: cfg.positive,
      seed: Number(cfg.hyper.seed),
      valFraction: opts.valFraction ?? 0.2,
      all: !!opts.all,
      threshold: thresholdChooser(opts),
    },
    ctl,
  );
  cfg.temperature = r.temperature;
  cfg.threshold = r.threshold;
  Object.assign(cfg.hyper, { lambda: r.lambda, folds: r.folds, repeats: r.repeats });
  const model = run.own(buildHead(cfg, 0, { mean: r.mean, std: r.std }));
  const c = cfg.classes.length;
  tf.tidy(() => {
    model.vars['linear.weight'].assign(tf.tensor2d(Float32Array.from(r.model.weight), [r.mean.length, c]));
    model.vars['linear.bias'].assign(tf.tensor1d(Float32Array.from(r.model.bias)));
  });
  return {
    model,
    metrics: r.metrics,
    history: [],
    trainImages: r.trainImages,
    valImages: r.valImages,
    valImageIds: r.valIds,
    outOfFold: r.outOfFold,
  };
}

/**
 * Heads trained by epochs (attentive, blocks:k): early stopping, temperature and threshold on a
 * patient-grouped validation split, whose AUC is the (holdout) estimate. With `all` the head is
 * then refitted on every label for the epochs that were best on the split.
 */
async function fitEpochHead(
  project: ProjectStore,
  encoder: Awaited<ReturnType<typeof getEncoder>>,
  imgs: ImageListItem[],
  items: SplitItem[],
  cfg: ClassifierConfig,
  opts: TrainClassifierOptions,
  run: TrainingRun,
  ctl: RunControl,
): Promise<Fitted> {
  const seed = Number(cfg.hyper.seed);
  const split = groupedSplit(items, opts.valFraction ?? 0.2, seed);
  const byId = new Map(imgs.map((i) => [i.id, i]));
  const label = new Map(items.map((it) => [it.id, it.label]));
  const views: ViewId[] = opts.augment ? [0, 1] : [0];
  const read = (ids: number[]) => {
    const x: FeatureArray[] = [];
    const y: number[] = [];
    for (const v of views) {
      x.push(...readFeatures(project, encoder.id, ids, cfg.layer, v));
      y.push(...ids.map((id) => label.get(id)!));
    }
    return { x, y };
  };
  const train = read(split.train);
  const valX = readFeatures(project, encoder.id, split.val, cfg.layer, 0);
  const valY = split.val.map((id) => label.get(id)!);
  const c = cfg.classes.length;
  const kind = cfg.head.startsWith('blocks') ? 'blocks' : cfg.head;
  const hp = { ...DEFAULTS[kind], ...pick(opts) };
  Object.assign(cfg.hyper, hp);
  const weights = (y: number[]) =>
    cfg.classes.map((_, k) => {
      const m = y.filter((v) => v === k).length;
      return m ? y.length / (c * m) : 0;
    });
  const init = { encoderWeights: path.join(encoder.dir, 'weights.safetensors') };
  let model = run.own(buildHead(cfg, seed, init));
  const { history, bestEpoch } = await fit(
    model,
    { x: featureBatcher(train.x), y: Int32Array.from(train.y) },
    { x: featureBatcher(valX), y: Int32Array.from(valY) },
    c,
    { ...hp, classWeights: weights(train.y), seed },
    ctl,
  );
  const logits = await predictLogitsAsync(model, featureBatcher(valX), c);
  cfg.temperature = fitTemperature(logits, valY, c);
  const probs = valY.map((_, i) => softmaxRow(logits, i * c, c, cfg.temperature));
  if (cfg.positive !== null && valY.length) cfg.threshold = thresholdChooser(opts)(probs, valY, cfg.positive);
  const metrics = classifierReport(
    probs,
    valY,
    cfg.classes,
    split.val.map((id) => byId.get(id)!.source),
    cfg.threshold,
    seed,
  );
  const val = split.val.map((id) => items.findIndex((it) => it.id === id));
  const a = cfg.positive !== null ? metrics.binary?.auc : undefined;
  const aucs = [a ?? meanAuc(metrics)].filter((v) => Number.isFinite(v));
  metrics.estimate = buildEstimate({
    method: aucs.length ? 'holdout' : 'none',
    folds: 1,
    repeats: 1,
    aucs,
    classes: cfg.classes,
    images: cfg.classes.map((_, k) => val.filter((i) => items[i].label === k).length),
    patients: cfg.classes.map(
      (_, k) => new Set(val.filter((i) => items[i].label === k).map((i) => items[i].group)).size,
    ),
    positive: cfg.positive,
  });
  const sizes = { valImages: split.val.length, valImageIds: split.val };
  if (!opts.all) return { model, metrics, history, trainImages: split.train.length, ...sizes };
  // Refit on every label for the epochs that were best on the split; the estimate stays.
  run.free(model);
  model = run.own(buildHead(cfg, seed, init));
  const every = read(imgs.map((i) => i.id));
  const epochs = Math.max(1, bestEpoch + 1);
  cfg.hyper.epochs = epochs;
  const empty = { x: featureBatcher([]), y: new Int32Array(0) };
  await fit(
    model,
    { x: featureBatcher(every.x), y: Int32Array.from(every.y) },
    empty,
    c,
    { ...hp, epochs, classWeights: weights(every.y), seed },
    ctl,
  );
  return { model, metrics, history, trainImages: imgs.length, ...sizes };
}

function meanAuc(m: ClassifierMetrics): number {
  const v = Object.values(m.perClass)
    .map((p) => p.auc)
    .filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : Number.NaN;
}

function pick(
  o: TrainClassifierOptions,
): Partial<Record<'epochs' | 'lr' | 'batchSize' | 'patience' | 'weightDecay', number>> {
  const out: Record<string, number> = {};
  for (const k of ['epochs', 'lr', 'batchSize', 'patience', 'weightDecay'] as const)
    if (o[k] !== undefined) out[k] = o[k]!;
  return out;
}
