import { TrainParams } from '../../core/api/schemas/jobs.ts';
import { predict, trainClassifier, trainSegmenter } from '../../core/train/index.ts';
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
