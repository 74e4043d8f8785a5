/**
 * The one contract suite. Each transport (in-process, HTTP/WebSocket against a real
 * `spcxr serve`) runs exactly these tests against its own copy of the sample project.
 */
import path from 'node:path';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/core/api/contract.ts';
import { ApiError } from '../../src/core/api/contract.ts';
import { repoRoot, waitFor } from './fixture.ts';

export interface Harness {
  client: ApiClient;
  projectDir: string;
  /** GETs a URL handed out by the API (media, export downloads). */
  fetchUrl(url: string): Promise<{ status: number; body: Buffer; type: string }>;
}

async function rejects(p: Promise<unknown>, code: string): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).code).toBe(code);
  return e as ApiError;
}

export function contractSuite(name: string, setup: () => Harness) {
  describe(`contract over ${name}`, () => {
    const h = () => setup();

    it('reports the project: classes, counts, sources', async () => {
      const info = await h().client.invoke('project.info');
      expect(info.path).toBe(h().projectDir);
      expect(info.classes.filter((c) => c.kind === 'image').map((c) => c.name)).toEqual([
        'normal',
        'pneumonia',
      ]);
      expect(info.classes.some((c) => c.kind === 'mask' && c.name === 'lung')).toBe(true);
      expect(info.counts.images).toBe(40);
      expect(info.counts.labelled).toBe(32);
      expect(info.counts.unlabelled).toBe(8);
      expect(info.counts.perClass.normal + info.counts.perClass.pneumonia).toBe(32);
      expect(Object.values(info.counts.perSource).reduce((a, b) => a + b, 0)).toBe(40);
      const app = await h().client.invoke('app.info');
      expect(app.project).toBe(h().projectDir);
    });

    it('lists, filters and pages images', async () => {
      const { client } = h();
      const all = await client.invoke('images.list', { limit: 15 });
      expect(all.total).toBe(40);
      expect(all.items).toHaveLength(15);
      const next = await client.invoke('images.list', { limit: 15, offset: 30 });
      expect(next.items).toHaveLength(10);
      expect(new Set([...all.items, ...next.items].map((i) => i.id)).size).toBe(25);
      const pn = await client.invoke('images.list', { label: 'pneumonia', limit: 100 });
      expect(pn.items.length).toBeGreaterThan(0);
      expect(pn.items.every((i) => i.label === 'pneumonia')).toBe(true);
      const un = await client.invoke('images.list', { status: 'unlabelled', limit: 100 });
      expect(un.total).toBe(8);
      expect(un.items.every((i) => i.label === null && i.status === 'unlabelled')).toBe(true);
      const byName = await client.invoke('images.list', { sort: 'name', limit: 100 });
      const names = byName.items.map((i) => i.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    });

    it('gets an image with window presets and fetchable pixels', async () => {
      const { client, fetchUrl } = h();
      const [first] = (await client.invoke('images.list', { limit: 1 })).items;
      const img = await client.invoke('images.get', { id: first.id });
      expect(img.width).toBeGreaterThan(100);
      expect(img.windows.length).toBeGreaterThan(0);
      const display = await fetchUrl(img.urls.display);
      expect(display.status).toBe(200);
      expect(display.type).toBe('image/png');
      const png = decodePng(display.body);
      expect([png.width, png.height]).toEqual([img.width, img.height]);
      const windowed = await fetchUrl(`${img.urls.display}?center=128&width=10`);
      expect(windowed.body.equals(display.body)).toBe(false);
      const raw = decodePng((await fetchUrl(img.urls.raw)).body);
      expect(raw.depth).toBe(16);
      expect((await fetchUrl(img.urls.thumbnail)).status).toBe(200);
      expect((await fetchUrl(img.urls.mask)).status).toBe(404);
    });

    it('labels in bulk in one request, with events; undo is the inverse request', async () => {
      const { client } = h();
      const un = await client.invoke('images.list', { status: 'unlabelled', limit: 3 });
      const ids = un.items.map((i) => i.id);
      const changed = waitFor<{ imageIds: number[] }>((cb) => client.on('labels.changed', cb));
      const r = await client.invoke('labels.set', { imageIds: ids, label: 'pneumonia' });
      expect(r.changed).toBe(3);
      expect((await changed).imageIds.sort()).toEqual([...ids].sort());
      expect((await client.invoke('project.info')).counts.unlabelled).toBe(5);
      // The renderer's history undoes a label by sending its inverse (here: clear), then redoes it.
      expect((await client.invoke('labels.clear', { imageIds: ids })).changed).toBe(3);
      expect((await client.invoke('project.info')).counts.unlabelled).toBe(8);
      expect((await client.invoke('labels.set', { imageIds: ids, label: 'pneumonia' })).changed).toBe(3);
      const got = await client.invoke('images.get', { id: ids[0] });
      expect(got.label).toBe('pneumonia');
      expect(got.history[0].label).toBe('pneumonia');
      await client.invoke('labels.clear', { imageIds: ids });
      expect((await client.invoke('project.info')).counts.unlabelled).toBe(8);
    });

    it('flags images for review', async () => {
      const { client } = h();
      const [img] = (await client.invoke('images.list', { label: 'normal', limit: 1 })).items;
      await client.invoke('labels.setReview', { imageIds: [img.id], needsReview: true });
      const rev = await client.invoke('images.list', { status: 'needs-review' });
      expect(rev.items.map((i) => i.id)).toEqual([img.id]);
      await client.invoke('labels.setReview', { imageIds: [img.id], needsReview: false });
      expect((await client.invoke('images.list', { status: 'needs-review' })).total).toBe(0);
    });

    it('saves mask edits as dirty rectangles; inverse edits restore pixels', async () => {
      const { client, fetchUrl } = h();
      const [img] = (await client.invoke('images.list', { limit: 1, offset: 5 })).items;
      const empty = await client.invoke('masks.get', { imageId: img.id });
      expect(empty.mask).toBeNull();
      const rect = { x: 10, y: 20, width: 4, height: 3 };
      const zeros = Buffer.alloc(12).toString('base64');
      const ones = Buffer.alloc(12, 1).toString('base64');
      const saved = await client.invoke('masks.saveEdit', {
        imageId: img.id,
        rect,
        before: zeros,
        after: ones,
        tool: 'brush',
      });
      expect(saved.version).toBe(empty.version + 1);
      const got = await client.invoke('masks.get', { imageId: img.id });
      const map = decodePng(Buffer.from(got.mask!.data, 'base64'));
      expect(map.width).toBe(img.width);
      expect(map.data[(rect.y + 1) * map.width + rect.x + 2]).toBe(1);
      expect(map.data[rect.y * map.width + rect.x + 4]).toBe(0);
      expect(
        (await fetchUrl(`${(await client.invoke('images.get', { id: img.id })).urls.mask}`)).status,
      ).toBe(200);
      // A stale `before` means someone else changed the map: refused, nothing written.
      await rejects(
        client.invoke('masks.saveEdit', { imageId: img.id, rect, before: zeros, after: zeros }),
        'conflict',
      );
      // Undo is the same edit with before and after swapped (what the renderer's history sends).
      const undo = await client.invoke('masks.saveEdit', {
        imageId: img.id,
        rect,
        before: ones,
        after: zeros,
      });
      expect(undo.version).toBe(saved.version + 1);
      expect((await client.invoke('masks.get', { imageId: img.id })).mask).toBeNull();
      await client.invoke('masks.saveEdit', { imageId: img.id, rect, before: zeros, after: ones });
      const again = await client.invoke('masks.get', { imageId: img.id });
      expect(decodePng(Buffer.from(again.mask!.data, 'base64')).data[rect.y * map.width + rect.x]).toBe(1);
      // A renderer that paints 255 is understood: nonzero is inside, compared and stored as 1.
      const full = Buffer.alloc(12, 255).toString('base64');
      await client.invoke('masks.saveEdit', { imageId: img.id, rect, before: full, after: zeros });
      await client.invoke('masks.saveEdit', { imageId: img.id, rect, before: zeros, after: full });
      const bin = decodePng(
        Buffer.from((await client.invoke('masks.get', { imageId: img.id })).mask!.data, 'base64'),
      );
      expect(bin.data[rect.y * bin.width + rect.x]).toBe(1);
    });

    it('rejects bad params and unknown ids with clear codes', async () => {
      const { client } = h();
      const e = await rejects(client.invoke('images.list', { limit: 0 }), 'bad_request');
      expect(e.message).toMatch(/limit/);
      await rejects(client.invoke('images.get', { id: 999_999 }), 'not_found');
      await rejects(client.invoke('labels.set', { imageIds: [1], label: 'no-such-class' }), 'bad_request');
      await rejects(
        client.invoke('masks.saveEdit', {
          imageId: 1,
          rect: { x: 0, y: 0, width: 2, height: 2 },
          before: 'AA==',
          after: 'AA==',
        }),
        'bad_request',
      );
      await rejects(client.invoke('jobs.get', { jobId: 'nope' }), 'not_found');
    });

    it('runs an import job in the worker with progress and a done event', async () => {
      const { client } = h();
      const progress: number[] = [];
      const overall: number[] = [];
      const off = client.on('job.progress', (p) => {
        progress.push(p.progress.done);
        overall.push(p.progress.overall ?? -1);
      });
      const done = waitFor<{ jobId: string; result: unknown }>((cb) => client.on('job.done', cb));
      const { jobId } = await client.invoke('import.start', {
        paths: [path.join(repoRoot, 'sample/images')],
      });
      const ev = await done;
      off();
      expect(ev.jobId).toBe(jobId);
      expect(ev.result).toMatchObject({ total: 40, added: 0, duplicates: 40 });
      expect(progress.at(-1)).toBe(40);
      // One figure for the whole job, climbing to 1 (the bar no longer restarts per phase).
      expect(overall.at(-1)).toBe(1);
      expect(overall.every((x, i) => x >= 0 && (i === 0 || x >= overall[i - 1]))).toBe(true);
      const job = await client.invoke('jobs.get', { jobId });
      expect(job.state).toBe('done');
      expect(job.progress.overall).toBe(1);
    });

    it('exports labels as CSV through a job', async () => {
      const { client, fetchUrl } = h();
      const done = waitFor<{ jobId: string; result: unknown }>((cb) => client.on('job.done', cb));
      const { jobId } = await client.invoke('export.start', { format: 'csv' });
      const ev = await done;
      expect(ev.jobId).toBe(jobId);
      const r = ev.result as { path: string; url: string | null };
      expect(r.path.startsWith(path.join(h().projectDir, 'exports'))).toBe(true);
      const csv = await fetchUrl(r.url!);
      expect(csv.status).toBe(200);
      expect(csv.body.toString('utf8').trim().split('\n')).toHaveLength(41);
    });

    it('exports masks as PNGs with an index', async () => {
      const { client } = h();
      const done = waitFor<{ jobId: string; result: unknown }>((cb) => client.on('job.done', cb));
      const { jobId } = await client.invoke('export.start', { format: 'masks' });
      const ev = await done;
      expect(ev.jobId).toBe(jobId);
      // One mask was painted by the mask test: its PNG plus masks.csv.
      expect(ev.result).toMatchObject({ files: 2 });
      // The folder downloads as one zip (it used to answer 500, EISDIR).
      const url = (ev.result as { url: string | null }).url;
      expect(url).not.toBeNull();
      {
        const got = await h().fetchUrl(url!);
        expect(got.status).toBe(200);
        expect(got.type).toMatch(/zip/);
        expect(got.body.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
      }
    });

    it('reports health through doctor', async () => {
      const d = await h().client.invoke('app.doctor');
      expect(d.checks.find((c) => c.name === 'project database')?.ok).toBe(true);
      expect(d.executionProviders).toContain('cpu');
    });

    it('keeps settings per project', async () => {
      const { client } = h();
      const s = await client.invoke('settings.set', { retrainEvery: 7, executionProvider: 'cpu' });
      expect(s).toMatchObject({ retrainEvery: 7, executionProvider: 'cpu' });
      expect(await client.invoke('settings.get')).toEqual(s);
      await rejects(client.invoke('settings.set', { retrainEvery: -1 }), 'bad_request');
      expect(await client.invoke('models.list')).toEqual([]);
    });

    it('manages classes with confirmation and undo', async () => {
      const { client } = h();
      const free = (await client.invoke('images.list', { label: null, limit: 1 })).items[0].id;
      await client.invoke('classes.apply', { op: { op: 'add', name: 'viral' } });
      await client.invoke('labels.set', { imageIds: [free], label: 'viral' });
      const viral = (await client.invoke('classes.list')).classes.find((c) => c.name === 'viral')!;
      expect(viral.count).toBe(1);
      // Counts come from the trigger-kept counters: they agree with the images listed per class.
      for (const c of (await client.invoke('classes.list')).classes) {
        if (c.kind !== 'image' || c.task !== 'default') continue;
        expect(c.count).toBe((await client.invoke('images.list', { label: c.name, limit: 1 })).total);
      }
      const op = { op: 'remove' as const, id: viral.id };
      expect(await client.invoke('classes.impact', op)).toEqual({ labels: 1, masks: 0 });
      const e = await rejects(client.invoke('classes.apply', { op }), 'conflict');
      expect(e.details).toEqual({ impact: { labels: 1, masks: 0 } });
      const r = await client.invoke('classes.apply', { op, confirm: { labels: 1, masks: 0 } });
      expect(r.event).toMatchObject({ op: 'remove', className: 'viral', labels: 1 });
      expect((await client.invoke('images.get', { id: free })).label).toBeNull();
      expect(await client.invoke('classes.undo')).toMatchObject({ restored: 1, kept: 0 });
      expect((await client.invoke('images.get', { id: free })).label).toBe('viral');
      await client.invoke('labels.clear', { imageIds: [free] });
      await client.invoke('classes.undo'); // the add: the class is unused again
      const after = await client.invoke('classes.list');
      expect(after.classes.some((c) => c.name === 'viral')).toBe(false);
      expect(after.history.slice(0, 4).map((x) => x.op)).toEqual(['undo', 'undo', 'remove', 'add']);
    });

    it('lets a second person review labels and reports their agreement', async () => {
      const { client } = h();
      const before = await client.invoke('settings.get');
      await client.invoke('settings.set', { author: 'reviewer-bo' });
      const first = await client.invoke('review.next');
      expect(first).toMatchObject({ reviewer: 'reviewer-bo' });
      expect(first.remaining).toBeGreaterThan(1);
      const a = await client.invoke('images.get', { id: first.imageId! });
      const ok = await client.invoke('review.answer', { imageId: a.id, label: a.label!, durationMs: 1200 });
      expect(ok).toMatchObject({ verdict: 'confirm', reviewed: a.label });
      const second = await client.invoke('review.next', { exclude: [a.id] });
      expect(second.imageId).not.toBe(a.id);
      const b = await client.invoke('images.get', { id: second.imageId! });
      const other = b.label === 'normal' ? 'pneumonia' : 'normal';
      expect((await client.invoke('review.answer', { imageId: b.id, label: other })).verdict).toBe('reject');
      expect((await client.invoke('images.get', { id: b.id })).label).toBe(b.label);
      expect((await client.invoke('images.get', { id: b.id })).status).toBe('needs-review');
      const sum = await client.invoke('review.summary');
      expect(sum).toMatchObject({ reviews: 2, rejected: 1 });
      expect(sum.agreements[0]).toMatchObject({ reviewer: 'reviewer-bo', n: 2, agree: 1 });
      expect((await client.invoke('review.next')).remaining).toBe(first.remaining - 2);
      await rejects(client.invoke('review.answer', { imageId: b.id, label: 'nope' }), 'bad_request');
      await client.invoke('labels.setReview', { imageIds: [b.id], needsReview: false });
      await client.invoke('settings.set', { author: before.author });
    });
  });
}
