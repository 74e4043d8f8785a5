/** Training classification heads end to end on real NIH images with the micro test encoder. */

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ProjectStore } from '../../src/core/store/types.ts';
import { exportBundle, predict, readBundle, trainClassifier } from '../../src/core/train/index.ts';
import { TrainingBusyError } from '../../src/core/train/types.ts';
import { microDir } from '../model/golden.ts';
import { describeShared } from '../shared-data.ts';
import { manifestItems, projectWith } from './fixture-project.ts';

let project: ProjectStore;
const enc = { encoderDir: microDir, provider: 'cpu' as const };

beforeAll(async () => {
  project = await projectWith(manifestItems('nih_cxr14_talo', 16, ['normal', 'pneumonia']), [
    'normal',
    'pneumonia',
  ]);
}, 60_000);
afterAll(() => project?.close());

describeShared('trainClassifier', () => {
  it('linear probe: computes features once, fits every label, reports a cross-validated estimate', async () => {
    const phases = new Set<string>();
    const r = await trainClassifier(
      project,
      { ...enc, head: 'linear', seed: 1 },
      { onProgress: (p) => phases.add(p.phase) },
    );
    expect(phases).toEqual(new Set(['features', 'train']));
    // Below 1,000 labels the final model fits every label; the metrics are out-of-fold.
    expect(r.trainImages).toBe(32);
    expect(r.valImages).toBe(0);
    const m = r.metrics as import('../../src/core/train/types.ts').ClassifierMetrics;
    expect(m.n).toBe(32);
    expect(m.estimate).toMatchObject({
      method: 'grouped-cv',
      folds: 5,
      repeats: 5,
      nPerClass: { normal: 16, pneumonia: 16 },
      tooSmall: true,
    });
    expect(m.estimate!.ci![1] - m.estimate!.ci![0]).toBeGreaterThan(0.1);
    expect(m.estimate!.note).toMatch(/Too few labels/);
    expect(m.binary?.positiveClass).toBe('pneumonia');
    expect(m.binary!.auc).toBeGreaterThanOrEqual(0);
    expect(m.binary!.aucCI[0]).toBeLessThanOrEqual(m.binary!.auc);
    expect(Object.keys(m.perSource)).toEqual(['nih_cxr14_talo']);
    const saved = project.getModel(r.modelId)!;
    expect(saved).toMatchObject({ kind: 'classify', head: 'linear', hasWeights: true });
    expect(saved.config.temperature).toBeGreaterThan(0);
    expect(saved.config.configVersion).toBe(2);
    // Below 1,000 labels the probe reads pooled vectors of three depths side by side.
    expect(saved.config.layer).toBe('pooled3');
    const dim = saved.config.dim as number;
    expect(
      project.getFeatures([{ imageId: 1, encoderId: saved.encoderId, layer: 'pooled3', view: 0 }])[0].shape,
    ).toEqual([6 * dim]);
    expect(project.getRun(r.runId)).toMatchObject({ status: 'done', modelId: r.modelId });
    // Same seed, cached features: identical result; nothing recomputed.
    const again = await trainClassifier(project, { ...enc, head: 'linear', seed: 1 });
    expect(r.features).toEqual({ computed: 32, cached: 0 });
    expect(again.features).toEqual({ computed: 0, cached: 32 });
    expect(again.metrics).toEqual(r.metrics);
  }, 120_000);

  it('attentive probe trains on patch tokens of the same images', async () => {
    const r = await trainClassifier(project, { ...enc, head: 'attentive', epochs: 5, seed: 2 });
    expect(r.head).toBe('attentive');
    expect(r.history.length).toBeGreaterThan(0);
    expect(r.history.length).toBeLessThanOrEqual(5);
    expect(project.getModel(r.modelId)!.config.layer).toBe('final');
  }, 120_000);

  it('auto picks linear or attentive by patient-grouped CV and saves the chosen head', async () => {
    const { tf } = await import('../../src/core/train/backend.ts');
    const before = tf.memory().numTensors;
    const r = await trainClassifier(project, { ...enc, head: 'auto', epochs: 5, seed: 3 });
    const m = r.metrics as import('../../src/core/train/types.ts').ClassifierMetrics;
    const c = m.headChoice!;
    expect(c).toMatchObject({ method: 'grouped-cv', folds: 5 });
    for (const a of [c.linear, c.attentive]) expect(a).toBeGreaterThanOrEqual(0);
    expect(c.chosen).toBe(c.attentive > c.linear ? 'attentive' : 'linear');
    expect(r.head).toBe(c.chosen);
    const saved = project.getModel(r.modelId)!;
    expect(saved.head).toBe(c.chosen);
    expect(saved.config.layer).toBe(c.chosen === 'linear' ? 'pooled3' : 'final');
    expect((saved.metrics as { headChoice?: unknown }).headChoice).toEqual(c);
    // The five fold heads are freed; only the saved model's head lived in the run.
    expect(tf.memory().numTensors).toBe(before);
  }, 180_000);

  it('blocks:1 fine-tunes the last block from cached block L−1 tokens', async () => {
    const r = await trainClassifier(project, { ...enc, head: 'blocks:1', epochs: 2 });
    expect(project.getModel(r.modelId)!.config.layer).toBe('block3');
  }, 120_000);

  it('rejects a second concurrent run and honours AbortSignal, recording the run as cancelled', async () => {
    const { tf } = await import('../../src/core/train/backend.ts');
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const first = trainClassifier(
      project,
      { ...enc, head: 'attentive', epochs: 50 },
      {
        signal: ac.signal,
        onProgress: (p) => p.phase === 'train' && ac.abort(new Error('stopped by test')),
      },
    );
    await expect(trainClassifier(project, enc)).rejects.toBeInstanceOf(TrainingBusyError);
    await expect(first).rejects.toThrow('stopped by test');
    expect(project.listRuns(1)[0].status).toBe('cancelled');
    // The head, the optimiser and the best-epoch copies are freed however the run ends.
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('predict stores calibrated probabilities apart from labels; the bundle is self-contained and checked', async () => {
    const r = await trainClassifier(project, { ...enc, head: 'linear', seed: 5 });
    const p = await predict(project, { ...enc, modelId: r.modelId });
    expect(p).toMatchObject({ modelId: r.modelId, kind: 'classify', scored: 32 });
    const rows = project.getPredictions(r.modelId);
    expect(rows).toHaveLength(32);
    for (const row of rows) expect(row.probs!.normal + row.probs!.pneumonia).toBeCloseTo(1, 6);
    expect(project.getLabel(rows[0].imageId)?.source).toBe('import');
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'spcxr-bundle-')), 'b');
    const card = await exportBundle(project, r.modelId, out, enc);
    expect(Object.keys(card.files).sort()).toEqual([
      'encoder.onnx',
      'head.safetensors',
      'model.json',
      'weights.safetensors',
    ]);
    expect(readBundle(out).model.id).toBe(r.modelId);
    writeFileSync(path.join(out, 'head.safetensors'), 'tampered');
    expect(() => readBundle(out)).toThrow(/head\.safetensors: sha256 mismatch/);
    await expect(exportBundle(project, r.modelId, out, enc)).rejects.toThrow(/not empty/);
  }, 120_000);

  it('refuses a task with a single labelled class, naming the counts', async () => {
    const one = await projectWith(manifestItems('nih_cxr14_talo', 5, ['normal']), ['normal', 'pneumonia']);
    await expect(trainClassifier(one, enc)).rejects.toThrow(/normal: 5, pneumonia: 0/);
    one.close();
  }, 60_000);
});
