import { MODEL_VAL_KEY } from '../../core/api/model-report.ts';
import { TrainParams } from '../../core/api/schemas/jobs.ts';
import { DEFAULT_TASK } from '../../core/store/types.ts';
import { labelledImages, predict, trainClassifier, trainSegmenter } from '../../core/train/index.ts';
import { groupedSplit } from '../../core/train/split.ts';
import type { JobRunner } from '../types.ts';
import { engineControl, WithProvider } from './engine-options.ts';

export const runTrainJob: JobRunner = async (ctx) => {
  const p = TrainParams.extend(WithProvider.shape).parse(ctx.params);
  const ctl = engineControl(ctx);
  const common = {
    provider: p.provider,
    epochs: p.epochs,
    lr: p.learningRate,
    batchSize: p.batchSize,
    valFraction: p.valFraction,
    seed: p.seed,
    name: p.name,
  };
  const r =
    p.task === 'classify'
      ? await trainClassifier(ctx.store, { ...common, head: p.head, augment: p.augment, all: p.all }, ctl)
      : await trainSegmenter(ctx.store, { ...common, maskClass: p.maskClass }, ctl);
  if (p.task === 'classify') {
    // The engine's patient-grouped validation split, recomputed with its own function, seed and
    // fraction over the same labelled images: the model view's curves use exactly these images.
    const classes = r.classes;
    const imgs = labelledImages(ctx.store, DEFAULT_TASK).filter((i) => classes.includes(i.label!));
    const split = groupedSplit(
      imgs.map((i) => ({
        id: i.id,
        group: i.patientId ? `p:${i.patientId}` : `i:${i.id}`,
        label: classes.indexOf(i.label!),
      })),
      p.valFraction ?? 0.2,
      p.seed ?? 0,
    );
    ctx.store.setSetting(MODEL_VAL_KEY(r.modelId), split.val);
    // Score every image so the grid can show predictions, 'suggested' status and confidence.
    await predict(ctx.store, { modelId: r.modelId, provider: p.provider }, ctl);
  }
  // The full curve, once more, so a client that joined late still gets every epoch.
  for (const h of r.history) ctx.metrics(h.epoch + 1, { trainLoss: h.trainLoss, valLoss: h.valLoss });
  return {
    modelId: r.modelId,
    head: r.head,
    classes: r.classes,
    trainImages: r.trainImages,
    valImages: r.valImages,
    timings: r.timings,
    backend: r.backend,
    provider: r.provider.provider,
  };
};
