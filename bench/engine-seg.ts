/**
 * Lung segmentation (issue 4 figure): ieee8023 images with manual masks_v7 lung masks; 30 % of
 * patients held out as the test set; the decoder is trained on at most 150 masks of the other
 * patients (its own early-stopping split inside them); test Dice / IoU / HD95 at the original
 * image geometry. Goal: Dice ≥ 0.93.
 *
 *   npx tsx bench/engine-seg.ts --encoder DIR [--project /tmp/spcxr-bench-seg] [--epochs N] [--copies 2] [--stem]
 *     [--branch 8] [--lateral 16] [--fuse2 16]   (the wide decoder before 2026-12-02: 16 0 32)
 */
import os from 'node:os';
import { trainSegmenter } from '../src/core/train/index.ts';
import { arg } from './engine-project.ts';
import { scoreHeldOut, segBenchData } from './seg-data.ts';

const encoderDir = arg('encoder');
if (!encoderDir) throw new Error('--encoder DIR is required');
const data = await segBenchData(arg('project', '/tmp/spcxr-bench-seg')!);
const { store, masked } = data;
const train = data.train.slice(0, 150);
const test = data.test;
console.error(
  `masks ${masked.length}: train ${train.length} (of ${data.train.length}), test ${test.length} images`,
);
const t0 = performance.now();
const r = await trainSegmenter(
  store,
  {
    encoderDir,
    provider: 'cpu',
    imageIds: train,
    ...(arg('epochs') ? { epochs: Number(arg('epochs')) } : {}),
    ...(arg('copies') ? { copiesPerEpoch: Number(arg('copies')) } : {}),
    stem: process.argv.includes('--stem'),
    ...(arg('branch') ? { branch: Number(arg('branch')) } : {}),
    ...(arg('lateral') ? { lateral: Number(arg('lateral')) } : {}),
    ...(arg('fuse2') ? { fuse2: Number(arg('fuse2')) } : {}),
    ...(arg('lr') ? { lr: Number(arg('lr')) } : {}),
    ...(arg('width') ? { width: Number(arg('width')) } : {}),
    ...(arg('ctx') ? { ctx: Number(arg('ctx')) } : {}),
    ...(arg('batch') ? { batchSize: Number(arg('batch')) } : {}),
    ...(arg('patience') ? { patience: Number(arg('patience')) } : {}),
    ...(arg('schedule') ? { schedule: arg('schedule') as 'cosine' } : {}),
    seed: 0,
  },
  {
    onProgress: (p) =>
      p.phase === 'train' &&
      console.error(`epoch ${p.done}/${p.total} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
  },
);
const trainSec = (performance.now() - t0) / 1000;
const { report: rep, encoder, msPerImage } = await scoreHeldOut(store, r.modelId, test, encoderDir);
console.log(
  JSON.stringify({
    encoder,
    stem: process.argv.includes('--stem'),
    trainMasks: train.length,
    innerVal: r.valImages,
    testImages: test.length,
    epochsRun: r.history.length,
    copiesPerEpoch: Number(arg('copies', '2')),
    width: arg('width') ?? 'default',
    branch: arg('branch'),
    lateral: arg('lateral'),
    fuse2: arg('fuse2'),
    lr: arg('lr'),
    ctx: arg('ctx'),
    batch: arg('batch'),
    schedule: arg('schedule'),
    bestEpoch: r.history.reduce((b, h, i) => (h.valLoss < r.history[b].valLoss ? i : b), 0),
    lastLosses: r.history.slice(-3).map((h) => [h.trainLoss.toFixed(3), h.valLoss.toFixed(3)]),
    dice: rep.dice,
    iou: rep.iou,
    hd95: rep.hd95,
    valDice: 'dice' in r.metrics ? r.metrics.dice : undefined,
    trainSec,
    predictMsPerImage: msPerImage,
    nproc: os.availableParallelism(),
    load: os.loadavg()[0],
  }),
);
store.close();
