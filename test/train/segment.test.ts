/** Lung-mask decoder end to end on real ieee8023 masks (masks_v7) with the micro test encoder. */

import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pngSize } from '../../src/core/store/index.ts';
import type { ProjectStore } from '../../src/core/store/types.ts';
import { evaluateManifest, predict, trainSegmenter } from '../../src/core/train/index.ts';
import type { SegmentMetrics } from '../../src/core/train/types.ts';
import { microDir } from '../model/golden.ts';
import { describeShared } from '../shared-data.ts';
import { manifestItems, projectWith } from './fixture-project.ts';

let project: ProjectStore;

beforeAll(async () => {
  const items = manifestItems('ieee8023', 12, ['covid19'], (i) => /masks_v7/.test(i.mask ?? ''));
  project = await projectWith(items, ['covid19']);
}, 60_000);
afterAll(() => project?.close());

describeShared('trainSegmenter', () => {
  it('a cancelled run frees every TF.js tensor it made and is recorded as cancelled', async () => {
    const { tf } = await import('../../src/core/train/backend.ts');
    await trainSegmenter(project, { encoderDir: microDir, provider: 'cpu', epochs: 1, seed: 1 });
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    const run = trainSegmenter(
      project,
      { encoderDir: microDir, provider: 'cpu', epochs: 5, seed: 1 },
      { signal: stop.signal, onProgress: (p) => p.phase === 'train' && stop.abort() },
    );
    await expect(run).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
    const last = project.listRuns().find((r) => r.kind === 'train-segment');
    expect(last?.status).toBe('cancelled');
  }, 120_000);

  it('learns lung masks better than chance and reports Dice/IoU/HD95 at original geometry', async () => {
    expect(project.listMasks('lung')).toHaveLength(12);
    // One copy per image per epoch: 60 epochs ≈ the steps of 15 all-copy epochs.
    const r = await trainSegmenter(project, {
      encoderDir: microDir,
      provider: 'cpu',
      epochs: 60,
      copiesPerEpoch: 1,
      seed: 3,
    });
    const m = r.metrics as SegmentMetrics;
    expect(m.n).toBe(r.valImages);
    expect(m.n).toBeGreaterThanOrEqual(2);
    // Lungs cover ~30-40 % of the square: an all-background or random mask scores far lower.
    expect(m.dice).toBeGreaterThan(0.5);
    expect(m.iou).toBeLessThanOrEqual(m.dice);
    expect(m.hd95).toBeGreaterThanOrEqual(0);
    // dense grid: 4 shifted passes per copy; training copies = 2 × (1 + 3 augmentations), val 2 (TTA)
    // (the cancelled-run test above cached some of these views already)
    expect(r.features.computed + r.features.cached).toBe((r.trainImages * 8 + r.valImages * 2) * 4);
    const saved = project.getModel(r.modelId)!;
    expect(saved).toMatchObject({ kind: 'segment', head: 'segdecoder', hasWeights: true });
    // The default dense decoder: width 32 at grid level, slim fusion, image branch 8.
    expect(saved.config).toMatchObject({ width: 32, ctx: 2, branch: 8, lateral: 16, fuse2: 16, dense: true });

    // predict: masks stored as predictions at each image's original size, labels untouched
    const ids = project
      .listMasks('lung')
      .slice(0, 2)
      .map((x) => x.imageId);
    const p = await predict(project, {
      encoderDir: microDir,
      provider: 'cpu',
      modelId: r.modelId,
      imageIds: ids,
    });
    expect(p).toMatchObject({ kind: 'segment', scored: 2 });
    for (const row of project.getPredictions(r.modelId, ids)) {
      const img = project.getImage(row.imageId)!;
      expect(pngSize(row.mask!)).toEqual({ width: img.width, height: img.height });
    }

    // eval: an external manifest (copied to a temp folder), masks compared at original geometry
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-segeval-'));
    const extra = manifestItems('ieee8023', 40, ['covid19', 'pneumonia'], (i) =>
      /masks_v7/.test(i.mask ?? ''),
    ).slice(-2);
    const rows = ['file,mask,source'];
    extra.forEach((it, k) => {
      copyFileSync(it.file, path.join(dir, `i${k}.png`));
      copyFileSync(it.mask!, path.join(dir, `m${k}.png`));
      rows.push(`i${k}.png,m${k}.png,ieee8023`);
    });
    writeFileSync(path.join(dir, 'manifest.csv'), `${rows.join('\n')}\n`);
    const e = await evaluateManifest(project, {
      encoderDir: microDir,
      provider: 'cpu',
      manifest: path.join(dir, 'manifest.csv'),
      modelId: r.modelId,
    });
    expect(e).toMatchObject({ kind: 'segment', n: 2, failed: [] });
    expect((e.metrics as SegmentMetrics).dice).toBeGreaterThan(0.3);
    expect((e.metrics as SegmentMetrics).perSource.ieee8023.n).toBe(2);
  }, 300_000);

  it('retraining reads every view from the cache; the plain grid (dense: false) still trains', async () => {
    const again = await trainSegmenter(project, {
      encoderDir: microDir,
      provider: 'cpu',
      epochs: 1,
      seed: 3,
    });
    expect(again.features.computed).toBe(0);
    const plain = await trainSegmenter(project, {
      encoderDir: microDir,
      provider: 'cpu',
      epochs: 1,
      seed: 3,
      dense: false,
    });
    expect(plain.features.computed).toBe((plain.trainImages + plain.valImages) * 2);
    expect(project.getModel(plain.modelId)!.config).toMatchObject({ dense: false, branch: 0, ctx: 1 });
  }, 300_000);
});
