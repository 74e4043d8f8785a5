/**
 * Annotator identity end to end through the API: time per label recorded with its author and
 * shown per person, the grid filtered by author in SQL, and review flags in the CSV export.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/core/api/contract.ts';
import { createInProcessClient } from '../../src/core/api/in-process.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { exportCsv } from '../../src/core/app/export.ts';
import { parseCsv } from '../../src/core/import/csv.ts';
import { openProject } from '../../src/core/store/index.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { sampleProject } from './fixture.ts';

let service: ApiService;
let client: ApiClient;
let p: ReturnType<typeof sampleProject>;
let unlabelled: number[];

beforeAll(async () => {
  p = sampleProject();
  service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
  client = createInProcessClient(service);
  await client.invoke('project.open', { path: p.dir });
  await client.invoke('settings.set', { retrainEvery: 0 });
  unlabelled = (await client.invoke('images.list', { status: 'unlabelled' })).items.map((i) => i.id);
});
afterAll(() => {
  client?.close();
  service?.close();
  p?.cleanup();
});

describe('annotators', () => {
  it('stores time per label with its author and shows the mean per person; undo and redo add none', async () => {
    await client.invoke('settings.set', { author: 'ana' });
    await client.invoke('labels.set', { imageIds: [unlabelled[0]], label: 'normal', durationMs: 4000 });
    await client.invoke('labels.set', { imageIds: [unlabelled[1]], label: 'pneumonia', durationMs: 2000 });
    // Undo and redo from the viewer are plain label writes without a duration.
    await client.invoke('labels.clear', { imageIds: [unlabelled[1]] });
    await client.invoke('labels.set', { imageIds: [unlabelled[1]], label: 'pneumonia' });
    await client.invoke('settings.set', { author: 'bo' });
    await client.invoke('labels.set', { imageIds: [unlabelled[2]], label: 'normal', durationMs: 1500 });
    // Bulk labels carry no per-image time.
    await client.invoke('labels.set', { imageIds: unlabelled.slice(3, 5), label: 'normal', durationMs: 900 });
    const people = new Map((await client.invoke('review.summary')).authors.map((a) => [a.author, a]));
    expect(people.get('ana')).toMatchObject({ timed: 2, meanMs: 3000 });
    expect(people.get('bo')).toMatchObject({ labels: 3, timed: 1, meanMs: 1500 });
  });

  it('filters the grid by author, with the authors listed in the project info', async () => {
    const info = await client.invoke('project.info');
    expect(info.authors).toEqual(expect.arrayContaining(['ana', 'bo']));
    const ana = await client.invoke('images.list', { author: 'ana' });
    expect(ana.total).toBe(2);
    expect(ana.items.map((i) => i.id).sort()).toEqual([unlabelled[0], unlabelled[1]].sort());
    const bo = await client.invoke('images.list', { author: 'bo', label: 'normal' });
    expect(bo.items.map((i) => i.id).sort()).toEqual([unlabelled[2], ...unlabelled.slice(3, 5)].sort());
    expect((await client.invoke('images.list', { author: 'nobody' })).total).toBe(0);
  });

  it('exports the review flag and the latest review in the CSV', async () => {
    // bo reviews ana's two labels: confirms one, rejects the other.
    await client.invoke('review.answer', { imageId: unlabelled[0], label: 'normal', durationMs: 800 });
    await client.invoke('review.answer', { imageId: unlabelled[1], label: 'normal' });
    const store = openProject(p.dir);
    try {
      const out = path.join(p.dir, 'exports', 'labels.csv');
      exportCsv(store, out);
      const [head, ...body] = parseCsv(readFileSync(out, 'utf8')).map((r) => r.cells);
      const rows = body.map((c) => Object.fromEntries(head.map((h, k) => [h, c[k]])));
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      expect(byId.get(unlabelled[0])).toMatchObject({
        label: 'normal',
        label_author: 'ana',
        needs_review: '0',
        reviews: '1',
        review_verdict: 'confirm',
        review_label: 'normal',
        reviewer: 'bo',
      });
      expect(byId.get(unlabelled[1])).toMatchObject({
        label: 'pneumonia',
        needs_review: '1',
        review_verdict: 'reject',
        review_label: 'normal',
        reviewer: 'bo',
      });
      expect(byId.get(unlabelled[1])?.reviewed_at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(byId.get(unlabelled[2])).toMatchObject({ reviews: '0', review_verdict: '', reviewer: '' });
    } finally {
      store.close();
    }
  });
});
