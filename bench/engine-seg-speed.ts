/**
 * Lung-decoder training speed against the baseline, in one run on the same machine:
 * the same ieee8023 masks_v7 training images (patient-grouped), the same cached encoder
 * features, the same seed. Configurations, run in this order (--only picks some):
 * - `old`: the baseline: every one of the 2·(augViews+1) copies of every image per
 *   epoch (40 epochs, patience 8), the wide fusion (branch 16, no lateral);
 * - `prev`: the defaults before 2026-12-02 07:30 (two copies per epoch, slim fusion, width 64,
 *   rate 2e-3 constant, 60 epochs, patience 8);
 * - `new`: today's defaults (width 32, rate 4e-3 with a cosine decay over a ~960-step budget).
 * Reports training seconds (features excluded: cached once and shared), the ratios to `new`,
 * and Dice / IoU / HD95 on held-out patients (`--test` images of the patients the split keeps
 * out, never seen in training or early stopping; the product's prediction path).
 *
 *   nice -n 5 npx tsx bench/engine-seg-speed.ts --encoder DIR [--train 24] [--test 16] [--only old,new]
 */
import os from 'node:os';
import { trainSegmenter } from '../src/core/train/index.ts';
import type { TrainSegmenterOptions } from '../src/core/train/types.ts';
import { arg } from './engine-project.ts';
import { scoreHeldOut, segBenchData } from './seg-data.ts';

const encoderDir = arg('encoder');
if (!encoderDir) throw new Error('--encoder DIR is required');
const { store, train, test } = await segBenchData(arg('project', '/tmp/spcxr-bench-seg')!);
const trainIds = train.slice(0, Number(arg('train', '24')));
const testIds = test.slice(0, Number(arg('test', '16')));
const CONFIGS: Record<string, TrainSegmenterOptions> = {
  old: { copiesPerEpoch: 8, lateral: 0, fuse2: 0, branch: 16, width: 64, lr: 2e-3, schedule: 'constant' },
  prev: { width: 64, lr: 2e-3, schedule: 'constant', epochs: 60 },
  new: {},
};
const only = (arg('only') ?? Object.keys(CONFIGS).join(',')).split(',');
const rows: Array<Record<string, number | string>> = [];
for (const name of only) {
  const t0 = performance.now();
  const res = await trainSegmenter(store, {
    encoderDir,
    provider: 'cpu',
    imageIds: trainIds,
    ...CONFIGS[name],
    seed: 0,
  });
  const held = await scoreHeldOut(store, res.modelId, testIds, encoderDir);
  const row = {
    config: name,
    trainSec: res.timings.trainMs / 1000,
    featuresSec: res.timings.featuresMs / 1000,
    wallSec: (performance.now() - t0) / 1000,
    epochs: res.history.length,
    trainImages: res.trainImages,
    testImages: testIds.length,
    dice: held.report.dice,
    iou: held.report.iou,
    hd95: held.report.hd95,
    load: os.loadavg()[0],
  };
  rows.push(row);
  console.error(JSON.stringify(row));
}
const secs = (n: string) => rows.find((r) => r.config === n)?.trainSec as number | undefined;
const ratio = (n: string) => (secs(n) && secs('new') ? secs(n)! / secs('new')! : undefined);
console.log(
  JSON.stringify({
    rows,
    ratioOldToNew: ratio('old'),
    ratioPrevToNew: ratio('prev'),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`,
    nproc: os.availableParallelism(),
  }),
);
store.close();
