/**
 * Segmentation training speed, old schedule vs new, in one run on the same machine: the same
 * ieee8023 masks_v7 subset (patient split), the same cached encoder features, the same decoder;
 * "old" draws all 2·(augViews+1) copies of every image per epoch (40 epochs, patience 8, the
 * schedule before 2026-12-02) with the wide fusion, "new" the defaults (two copies per image per
 * epoch, 60 epochs, patience 8; slim fusion). Runs
 * alternate (old, new, old, new with --reps 2). Reports training seconds (features excluded:
 * cached once, shared), the ratio, and held-out-patient Dice of both.
 *
 *   nice -n 5 npx tsx bench/engine-seg-speed.ts --encoder DIR [--train 24] [--test 16] [--reps 1]
 */
import os from 'node:os';
import { trainSegmenter } from '../src/core/train/index.ts';
import { arg } from './engine-project.ts';
import { segBenchData } from './seg-data.ts';

const encoderDir = arg('encoder');
if (!encoderDir) throw new Error('--encoder DIR is required');
const { store, train, test } = await segBenchData(arg('project', '/tmp/spcxr-bench-seg')!);
const nTrain = Number(arg('train', '24'));
const nTest = Number(arg('test', '16'));
// Dice is the run's own patient-grouped validation split (valFraction = test share): held-out patients.
const ids = [...train.slice(0, nTrain), ...test.slice(0, nTest)];
const reps = Number(arg('reps', '1'));
const rows: Array<Record<string, unknown>> = [];
for (let r = 0; r < reps; r++)
  for (const [name, copies, decoder] of [
    // old: every copy every epoch and the wide fusion (before 2026-12-02); new: the defaults.
    ['old', 8, { lateral: 0, fuse2: 0, branch: 16 }],
    ['new', 2, {}],
  ] as const) {
    const t0 = performance.now();
    const res = await trainSegmenter(store, {
      encoderDir,
      provider: 'cpu',
      imageIds: ids,
      copiesPerEpoch: copies,
      ...decoder,
      valFraction: nTest / ids.length,
      seed: 0,
    });
    const row = {
      schedule: name,
      trainSec: res.timings.trainMs / 1000,
      featuresSec: res.timings.featuresMs / 1000,
      wallSec: (performance.now() - t0) / 1000,
      epochs: res.history.length,
      steps: res.history.length * Math.ceil((res.trainImages * copies) / 8),
      valImages: res.valImages,
      dice: 'dice' in res.metrics ? res.metrics.dice : undefined,
      load: os.loadavg()[0],
    };
    rows.push(row);
    console.error(JSON.stringify(row));
  }
const mean = (k: string, s: string) => {
  const v = rows.filter((r) => r.schedule === s).map((r) => r[k] as number);
  return v.reduce((a, b) => a + b, 0) / v.length;
};
console.log(
  JSON.stringify({
    rows,
    ratio: mean('trainSec', 'old') / mean('trainSec', 'new'),
    nproc: os.availableParallelism(),
  }),
);
store.close();
