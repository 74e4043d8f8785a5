/**
 * Mask-correction effort: correcting the segmenter's pre-filled lung mask vs drawing the mask
 * from scratch, on real ieee8023 images whose manual masks_v7 lung masks are the ground truth.
 * Patients are split (30 % held out, seeded); the decoder is trained on `--train` masks of the
 * other patients; the product's own use case (storeSegPredictions) predicts the held-out images.
 * Both figures come from one run, as pixels to edit and as time under one stated brush model
 * (src/core/active/correction.ts, SCREEN_BRUSH scaled to the image fitted in a 700-px viewer). Also reports how well each mask-uncertainty
 * measure ranks the held-out images by the pixels they need corrected (Spearman ρ), which is
 * how the queue's ranking measure was checked.
 *
 *   nice npx tsx bench/mask-correction.ts --encoder resources/models/spcxr-vit-tiny [--train 40] [--project DIR]
 */
import os from 'node:os';
import { brushTime, correctionEffort, inImagePixels, SCREEN_BRUSH } from '../src/core/active/correction.ts';
import type { MaskStats } from '../src/core/active/types.ts';
import { maskUncertainty } from '../src/core/active/uncertainty.ts';
import { storedMaskStats, storeSegPredictions } from '../src/core/app/seg-predictions.ts';
import { decodeMaskPng } from '../src/core/imaging/index.ts';
import { trainSegmenter } from '../src/core/train/index.ts';
import { arg } from './engine-project.ts';
import { segBenchData } from './seg-data.ts';

const encoderDir = arg('encoder');
if (!encoderDir) throw new Error('--encoder DIR is required');
const nTrain = Number(arg('train', '40'));
const data = await segBenchData(arg('project', `/tmp/spcxr-bench-maskcorr-${process.pid}`)!);
const { store, masked } = data;
const train = data.train.slice(0, nTrain);
const test = data.test;
console.error(`masks ${masked.length}: train ${train.length}, held-out ${test.length} (patient-grouped)`);
const t0 = performance.now();
// --model ID re-measures a decoder this bench trained before in --project (its predictions are stored).
const reuse = arg('model');
const r = reuse
  ? { modelId: Number(reuse) }
  : await trainSegmenter(store, { encoderDir, provider: 'cpu', imageIds: train, seed: 0 });
const trainSec = reuse ? null : (performance.now() - t0) / 1000;
const p = reuse
  ? { ms: Number.NaN }
  : await storeSegPredictions(store, r.modelId, { encoderDir, provider: 'cpu', imageIds: test });

const rows: Array<{
  edited: number;
  scratch: number;
  tFix: number;
  tDraw: number;
  sFix: number;
  sDraw: number;
}> = [];
const stats = storedMaskStats(store, r.modelId, test);
const measures: Record<string, (s: MaskStats) => number> = {
  'queue score (½ mean entropy + ½ border entropy)': (s) => maskUncertainty([s])[0],
  'mean entropy': (s) => s.meanEntropy,
  'border entropy': (s) => s.boundaryEntropy,
  'unsure border fraction': (s) => s.unsureBorder,
  '1 − mean confidence (expected wrong-pixel fraction)': (s) => 1 - s.confidence,
};
const scores: Record<string, number[]> = Object.fromEntries(Object.keys(measures).map((k) => [k, []]));
const editedFrac: number[] = [];
const dice: number[] = [];
const sizes: number[] = [];
for (const id of test) {
  const pred = await decodeMaskPng(store.getPredictions(r.modelId, [id])[0].mask!, `prediction ${id}`);
  const truth = await decodeMaskPng(store.getMask(id, 'lung')!.png, `mask ${id}`);
  // The brush in image pixels for this image fitted to a 700-px viewer; edit regions smaller
  // than one dab of it are fixed in passing by a neighbouring stroke.
  const brush = inImagePixels(SCREEN_BRUSH, Math.max(truth.width, truth.height));
  const dab = Math.max(1, Math.round(Math.PI * (brush.diameter / 2) ** 2));
  const fix = correctionEffort(pred.data, truth.data, truth.width, truth.height, dab);
  const draw = correctionEffort(
    new Uint8Array(truth.data.length),
    truth.data,
    truth.width,
    truth.height,
    dab,
  );
  const tf = brushTime(fix.editedPixels, fix.regions, brush);
  const td = brushTime(draw.editedPixels, draw.regions, brush);
  rows.push({
    edited: fix.editedPixels,
    scratch: draw.editedPixels,
    tFix: tf.seconds,
    tDraw: td.seconds,
    sFix: tf.strokes,
    sDraw: td.strokes,
  });
  const st = stats.get(id)!;
  for (const [k, f] of Object.entries(measures)) scores[k].push(f(st));
  editedFrac.push(fix.editedPixels / truth.data.length);
  sizes.push(truth.data.length);
  let predPixels = 0;
  for (const v of pred.data) if (v) predPixels++;
  dice.push((predPixels + fix.targetPixels - fix.editedPixels) / (predPixels + fix.targetPixels));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rank = (xs: number[]) => {
  const o = xs.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  o.forEach(([, i], k) => {
    r[i] = k;
  });
  return r;
};
const spearman = (a: number[], b: number[]) => {
  const ra = rank(a);
  const rb = rank(b);
  const ma = mean(ra);
  const mb = mean(rb);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - ma) * (rb[i] - mb);
    da += (ra[i] - ma) ** 2;
    db += (rb[i] - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
};
const m = (k: keyof (typeof rows)[0]) => mean(rows.map((x) => x[k]));
console.log(
  JSON.stringify(
    {
      encoder: encoderDir,
      trainMasks: train.length,
      heldOutImages: test.length,
      heldOutDice: mean(dice),
      screenBrush: SCREEN_BRUSH,
      viewerPx: 700,
      imagePixels: mean(sizes),
      meanPixels: { correct: m('edited'), scratch: m('scratch'), ratio: m('edited') / m('scratch') },
      meanStrokes: { correct: m('sFix'), scratch: m('sDraw') },
      meanSeconds: { correct: m('tFix'), scratch: m('tDraw'), ratio: m('tFix') / m('tDraw') },
      perImageRatio: { median: rows.map((x) => x.tFix / x.tDraw).sort((a, b) => a - b)[rows.length >> 1] },
      spearmanVsEditedPixels: Object.fromEntries(
        Object.entries(scores).map(([k, v]) => [k, Number(spearman(v, editedFrac).toFixed(3))]),
      ),
      trainSec,
      predictMsPerImage: p.ms / test.length,
      nproc: os.availableParallelism(),
      load: os.loadavg()[0],
    },
    null,
    2,
  ),
);
store.close();
