/**
 * The engine through the API, in the real worker: features, training (with live and final
 * metrics), model report, suggestions with accept, and the model bundle export. Uses the small
 * vit-micro fixture encoder so that it runs in seconds on two cores.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, ApiEvents } from '../../src/core/api/contract.ts';
import { createInProcessClient } from '../../src/core/api/in-process.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { repoRoot, sampleProject } from './fixture.ts';

let service: ApiService;
let client: ApiClient;
let cleanup = () => {};
let projectDir = '';

function finished(jobId: string) {
  return new Promise<ApiEvents['job.done'] | ApiEvents['job.failed']>((resolve) => {
    const offs = [
      client.on('job.done', (e) => e.jobId === jobId && resolve(e)),
      client.on('job.failed', (e) => e.jobId === jobId && resolve(e)),
    ];
    void offs;
  });
}

async function run(start: Promise<{ jobId: string }>) {
  const { jobId } = await start;
  const ev = await finished(jobId);
  if ('error' in ev) throw new Error(`job failed: ${ev.error}`);
  return ev.result as Record<string, unknown>;
}

beforeAll(async () => {
  const p = sampleProject();
  cleanup = p.cleanup;
  projectDir = p.dir;
  service = new ApiService({
    shell: 'in-process',
    urls: httpUrls,
    spawnWorker: nodeWorkerSpawner({
      env: { SPCXR_ENCODER: path.join(repoRoot, 'test/fixtures/models/vit-micro') },
    }),
  });
  client = createInProcessClient(service);
  await client.invoke('project.open', { path: p.dir });
});
afterAll(() => {
  client?.close();
  service?.close();
  cleanup();
});

describe('engine jobs through the API', () => {
  it('extracts features and records the encoder and execution provider', async () => {
    // Before any job the encoder is named as installed, not "none loaded".
    const before = (await client.invoke('project.info')).encoder;
    expect(before).toMatchObject({ loaded: false, checksumOk: null, executionProvider: null });
    expect(before?.name.length).toBeGreaterThan(0);
    const r = await run(client.invoke('features.start'));
    expect(r).toMatchObject({ images: 40, provider: 'cpu' });
    const info = await client.invoke('project.info');
    expect(info.encoder).toMatchObject({ loaded: true, checksumOk: true, executionProvider: 'cpu' });
    // The worker wrote its resident matrix beside the project, so its next start reads one file.
    expect(existsSync(path.join(projectDir, 'cache/resident-pooled-0.f16'))).toBe(true);
  });

  it('trains a classifier and reports ROC, confusion and calibration from out-of-fold predictions', async () => {
    const epochs: number[] = [];
    const off = client.on('job.metrics', (m) => epochs.push(m.epoch));
    const r = await run(client.invoke('train.start', { task: 'classify', head: 'linear', seed: 3 }));
    off();
    // The linear head is an exact fit chosen by cross-validation: no epochs to stream.
    expect(epochs).toEqual([]);
    const id = r.modelId as number;
    const list = await client.invoke('models.list');
    expect(list[0]).toMatchObject({ id, task: 'classify', active: true });
    expect(list[0].trainCount).toBe(r.trainImages);
    expect(list[0].valCount).toBe(r.valImages);
    expect(list[0].trainCount).toBeGreaterThan(0);
    const m = await client.invoke('models.get', { id });
    expect(m.classes).toEqual(['normal', 'pneumonia']);
    // The final model saw every label; its curves come from the out-of-fold predictions.
    expect(m.evaluatedOn).toMatch(/out-of-fold/);
    expect(m.roc).toHaveLength(1);
    expect(m.roc[0].className).toBe('pneumonia');
    expect(m.roc[0].points[0]).toEqual({ fpr: 0, tpr: 0, threshold: 1 });
    expect(m.roc[0].points.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    const n = m.confusion!.matrix.flat().reduce((a, b) => a + b, 0);
    expect(n).toBeGreaterThan(0);
    expect(m.calibration.reduce((a, b) => a + b.count, 0)).toBe(n);
    expect(n).toBe(r.trainImages);
    expect(m.perSource.length).toBeGreaterThan(0);
    // Predictions now exist for every image: unlabelled ones show as 'suggested'.
    const info = await client.invoke('project.info');
    expect(info.counts.suggested).toBe(8);
    const img = await client.invoke('images.get', {
      id: (await client.invoke('images.list', { status: 'suggested' })).items[0].id,
    });
    expect(img.prediction?.modelId).toBe(id);
  });

  it('serves suggestions with a reason and a pre-filled label, and accepts one', async () => {
    const first = await client.invoke('suggest.next', { task: 'classify' });
    expect(first.suggestion).toBeNull();
    expect(first.jobId).not.toBeNull();
    await run(Promise.resolve({ jobId: first.jobId! }));
    const next = await client.invoke('suggest.next', { task: 'classify' });
    const s = next.suggestion!;
    expect(s.reason.length).toBeGreaterThan(10);
    expect(s.label?.name).toMatch(/normal|pneumonia/);
    const scored = await client.invoke('images.list', { sort: 'score', limit: 1 });
    expect(scored.items[0].score).not.toBeNull();
    const r = await client.invoke('suggest.accept', { imageId: s.imageId });
    expect(r.changed).toBe(1);
    const img = await client.invoke('images.get', { id: s.imageId });
    expect(img.label).toBe(s.label!.name);
    expect(img.labelSource).toBe('accepted_suggestion');
    const after = await client.invoke('suggest.next', { task: 'classify' });
    expect(after.suggestion?.imageId).not.toBe(s.imageId);
    // Next without labelling walks the queue instead of ping-ponging between two images.
    let prev = after.suggestion!.imageId;
    const walked = new Set([prev]);
    for (let k = 0; k < 4; k++) {
      const n = await client.invoke('suggest.next', { task: 'classify', exclude: [prev] });
      expect(n.suggestion).not.toBeNull();
      expect(n.suggestion!.imageId).not.toBe(prev);
      prev = n.suggestion!.imageId;
      walked.add(prev);
    }
    expect(walked.size).toBe(5);
    // A correction made while the image is shown survives Accept.
    const c = (await client.invoke('suggest.next', { task: 'classify', exclude: [prev] })).suggestion!;
    const other = c.label!.name === 'normal' ? 'pneumonia' : 'normal';
    await client.invoke('labels.set', { imageIds: [c.imageId], label: other });
    await client.invoke('suggest.accept', { imageId: c.imageId });
    expect(await client.invoke('images.get', { id: c.imageId })).toMatchObject({
      label: other,
      labelSource: 'human',
    });
    // Unsure / not applicable: flagged for review, and it leaves the queue.
    const u = (await client.invoke('suggest.next', { task: 'classify' })).suggestion!;
    await client.invoke('suggest.unsure', { imageId: u.imageId });
    expect((await client.invoke('images.get', { id: u.imageId })).status).toBe('needs-review');
    for (let k = 0; k < 5; k++) {
      const n = await client.invoke('suggest.next', { task: 'classify' });
      expect(n.suggestion?.imageId).not.toBe(u.imageId);
    }
  });

  it('retrains in the background after every N new labels, without blocking labelling', async () => {
    await client.invoke('settings.set', { retrainEvery: 2 });
    const before = (await client.invoke('models.list')).length;
    const started = new Promise<string>((resolve) => {
      const off = client.on('job.started', (j) => {
        if (j.kind === 'train') {
          off();
          resolve(j.id);
        }
      });
    });
    const todo = (await client.invoke('images.list', { status: 'suggested', limit: 2 })).items.map(
      (i) => i.id,
    );
    const r = await client.invoke('labels.set', { imageIds: todo, label: 'normal' });
    expect(r.changed).toBe(2);
    const jobId = await started;
    const ev = await finished(jobId);
    expect('error' in ev ? ev.error : 'done').toBe('done');
    expect((await client.invoke('models.list')).length).toBe(before + 1);
    await client.invoke('settings.set', { retrainEvery: 0 });
  });

  it('exports the trained model as a bundle', async () => {
    const r = await run(client.invoke('export.start', { format: 'model' }));
    expect(existsSync(path.join(r.path as string, 'bundle.json'))).toBe(true);
    expect(existsSync(path.join(r.path as string, 'head.safetensors'))).toBe(true);
  });
});
