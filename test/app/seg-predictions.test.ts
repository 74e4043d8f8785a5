import { rmSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { correctionEffort } from '../../src/core/active/correction.ts';
import { createInProcessClient } from '../../src/core/api/in-process.ts';
import { serveMedia } from '../../src/core/api/media.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls, MEDIA_PREFIX } from '../../src/core/api/urls.ts';
import { storedMaskStats } from '../../src/core/app/seg-predictions.ts';
import { trainAndScore } from '../../src/core/app/train.ts';
import { decodeMaskPng } from '../../src/core/imaging/index.ts';
import { openProject } from '../../src/core/store/index.ts';
import { releaseEncoders } from '../../src/core/train/engine.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { MICRO } from '../active/real-embeddings.ts';
import { buildIeeeMasksProject } from '../ieee-masks-project.ts';
import { describeShared } from '../shared-data.ts';

let dir: string;
let project: string;

beforeAll(() => {
  ({ dir, project } = buildIeeeMasksProject({
    prefix: 'spcxr-segpred-',
    images: 10,
    masked: 6,
    onePerPatient: true,
  }));
});

afterAll(async () => {
  await releaseEncoders();
  rmSync(dir, { recursive: true, force: true });
});

describeShared('segmenter predictions after training', () => {
  it('stores mask, uncertainty and stats for unmasked and validation images, served as media', async () => {
    const store = openProject(project);
    try {
      const r = await trainAndScore(store, {
        task: 'segment',
        epochs: 2,
        valFraction: 0.34,
        engine: { encoderDir: MICRO },
      });
      const masked = new Set(store.listMasks().map((m) => m.imageId));
      const all = store.listImages({ limit: 100 }).items;
      const unmasked = all.filter((i) => !masked.has(i.id)).map((i) => i.id);
      expect(unmasked).toHaveLength(4);
      const val = ((store.getModel(r.modelId)!.metrics.perImage ?? []) as { imageId: number }[]).map(
        (p) => p.imageId,
      );
      expect(val.length).toBeGreaterThan(0);
      const preds = store.getPredictions(r.modelId);
      expect(new Set(preds.map((p) => p.imageId))).toEqual(new Set([...unmasked, ...val]));
      for (const p of preds) {
        const img = all.find((i) => i.id === p.imageId)!;
        const m = await decodeMaskPng(p.mask!, 'mask');
        const u = await decodeMaskPng(p.uncertainty!, 'uncertainty');
        expect([m.width, m.height, u.width, u.height]).toEqual([
          img.width,
          img.height,
          img.width,
          img.height,
        ]);
        // Uncertainty is highest on the predicted border: a sure pixel far inside is 0.
        expect(Math.max(...u.data)).toBeGreaterThan(0);
      }
      const stats = storedMaskStats(store, r.modelId, unmasked);
      expect(stats.size).toBe(4);
      for (const st of stats.values()) {
        expect(st.meanEntropy).toBeGreaterThanOrEqual(0);
        expect(st.confidence).toBeGreaterThanOrEqual(0.5);
      }
      // The model view's sample overlays and the uncertainty overlay are served (were 404s).
      const session = { store } as never;
      const overlay = await serveMedia(
        session,
        `prediction/${r.modelId}/${val[0]}.png`,
        new URLSearchParams(),
      );
      expect(overlay.status).toBe(200);
      const unc = await serveMedia(
        session,
        `uncertainty/${r.modelId}/${unmasked[0]}.png`,
        new URLSearchParams(),
      );
      expect(unc.status).toBe(200);
    } finally {
      store.close();
    }
  }, 300_000);

  it('mask queue: ranks by stored uncertainty, pre-fills, and stores prediction + correction on Accept', async () => {
    // The worker resolves the encoder the segmenter was trained on from the environment.
    process.env.SPCXR_ENCODER = MICRO;
    const service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
    const api = createInProcessClient(service);
    const media = async (url: string) => {
      const u = new URL(url, 'http://in-process');
      return serveMedia(service.current(), u.pathname.slice(MEDIA_PREFIX.http.length), u.searchParams);
    };
    try {
      await api.invoke('project.open', { path: project });
      const first = await api.invoke('suggest.next', { task: 'segment' });
      expect(first.suggestion).toBeNull();
      for (let i = 0; i < 600; i++) {
        const j = await api.invoke('jobs.get', { jobId: first.jobId! });
        if (j.state === 'done') break;
        if (j.state === 'failed') throw new Error(`suggest job failed: ${j.error}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const a = (await api.invoke('suggest.next', { task: 'segment' })).suggestion!;
      expect(a.reason).toMatch(/predicted lung mask is unsure along \d+ % of its border/);
      expect(a.mask).not.toBeNull();
      expect((await media(a.mask!.url)).status).toBe(200);
      expect((await media(a.mask!.uncertaintyUrl!)).status).toBe(200);
      const pred = await decodeMaskPng(Buffer.from((await media(a.mask!.url)).body), 'prediction');
      // Correct: paint a 10×10 square in the top-left corner (outside the lungs).
      const r = await api.invoke('suggest.acceptMask', {
        imageId: a.imageId,
        edit: { rect: { x: 0, y: 0, width: 10, height: 10 }, after: Buffer.alloc(100, 1).toString('base64') },
        strokes: 1,
      });
      let painted = 0;
      for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) if (!pred.data[y * pred.width + x]) painted++;
      expect(r).toMatchObject({ source: 'human', editedPixels: painted, strokes: 1 });
      const st = openProject(project);
      try {
        const row = st.getMask(a.imageId)!;
        expect(row.source).toBe('human');
        expect(row.author).toBe(os.userInfo().username || 'user');
        const stored = (await decodeMaskPng(row.png, 'mask')).data;
        const want = pred.data.map((v, i) => (v || (i % pred.width < 10 && i < 10 * pred.width) ? 1 : 0));
        expect(correctionEffort(stored, want, pred.width, pred.height).editedPixels).toBe(0);
      } finally {
        st.close();
      }
      await expect(api.invoke('suggest.acceptMask', { imageId: a.imageId })).rejects.toThrow(
        /already has a lung mask/,
      );
      // The next one is another image; accepted as predicted it is an accepted suggestion.
      const b = (await api.invoke('suggest.next', { task: 'segment' })).suggestion!;
      expect(b.imageId).not.toBe(a.imageId);
      const rb = await api.invoke('suggest.acceptMask', { imageId: b.imageId });
      expect(rb).toMatchObject({ source: 'accepted_suggestion', editedPixels: 0 });
    } finally {
      api.close();
      service.close();
    }
  }, 300_000);
});

it('counts correction effort: pixels to paint and erase, regions, against drawing from scratch', () => {
  const w = 8;
  const h = 4;
  const target = new Uint8Array(w * h);
  const start = new Uint8Array(w * h);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) target[y * w + x] = 1;
  for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) start[y * w + x] = 255; // misses a column
  start[7] = 1; // a stray pixel to erase, apart from the missing column
  const e = correctionEffort(start, target, w, h);
  expect(e).toEqual({ editedPixels: 5, addPixels: 4, erasePixels: 1, targetPixels: 16, regions: 2 });
  expect(correctionEffort(target, target, w, h).editedPixels).toBe(0);
  expect(() => correctionEffort(start, target.subarray(1), w, h)).toThrow(/expected 8×4/);
});
