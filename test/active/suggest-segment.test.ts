import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSimDataset } from '../../bench/al-sim/sim-data.ts';
import { segmenterMaskStats } from '../../src/core/active/mask-probs.ts';
import { suggestForProject } from '../../src/core/active/project.ts';
import { openProject } from '../../src/core/store/index.ts';
import { getEncoder, releaseEncoders } from '../../src/core/train/engine.ts';
import { trainSegmenter } from '../../src/core/train/segment.ts';
import { describeShared } from '../shared-data.ts';
import { DATA, MICRO, ROOT } from './real-embeddings.ts';

let dir: string;
let project: string;

beforeAll(() => {
  // ieee8023 may not be copied into the repo: the project references the shared files.
  dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-alseg-'));
  const data = path.join(dir, 'data');
  mkdirSync(data);
  symlinkSync(path.join(DATA, 'ieee8023/images'), path.join(data, 'images'));
  symlinkSync(path.join(DATA, 'ieee8023/masks_v7'), path.join(data, 'masks_v7'));
  const imgs = loadSimDataset(DATA, 'ieee-masks').slice(0, 16);
  const rel = (p: string) => path.relative(path.join(DATA, 'ieee8023'), p);
  const rows = imgs.map((im, i) => `${rel(im.file)},${i < 8 ? rel(im.mask!) : ''},${im.patient},ieee8023`);
  writeFileSync(path.join(data, 'm.csv'), ['file,mask,patient_id,source', ...rows].join('\n'));
  project = path.join(dir, 'proj');
  const bin = path.join(ROOT, 'bin/spcxr.mjs');
  execFileSync(process.execPath, [bin, 'init', project], { stdio: 'pipe' });
  execFileSync(
    process.execPath,
    [bin, 'import', project, '--manifest', path.join(data, 'm.csv'), '--reference'],
    {
      stdio: 'pipe',
    },
  );
});

afterAll(async () => {
  await releaseEncoders();
  rmSync(dir, { recursive: true, force: true });
});

describeShared('suggest --task segment', () => {
  it('without a segmentation model falls back to cold start and says how to get one', async () => {
    const store = openProject(project);
    try {
      const r = await suggestForProject(store, { task: 'segment', n: 3, encoderDir: MICRO });
      expect(r.labelled).toBe(8);
      expect(r.used).toBe('coldstart');
      expect(r.fallback).toMatch(/no segmentation model.*spcxr train DIR --task segment/);
      expect(r.suggestions).toHaveLength(3);
    } finally {
      store.close();
    }
  });

  it("ranks unmasked images by the saved segmenter's mask uncertainty and explains it", async () => {
    const store = openProject(project);
    try {
      await trainSegmenter(store, { encoderDir: MICRO, epochs: 2 });
      const r = await suggestForProject(store, {
        task: 'segment',
        strategy: 'uncertainty',
        n: 3,
        encoderDir: MICRO,
      });
      expect(r.used).toBe('uncertainty');
      expect(r.modelId).not.toBeNull();
      const scores = r.suggestions.map((s) => s.score);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
      for (const s of r.suggestions) {
        expect(s.reasonCode).toBe('uncertain-mask');
        expect(s.reason).toMatch(/the predicted lung mask is unsure along \d+ % of its border/);
        expect(s.prefillMask!.confidence).toBeGreaterThanOrEqual(0.5);
        expect(s.prefillMask!.confidence).toBeLessThanOrEqual(1);
        expect(store.listMasks().some((m) => m.imageId === s.imageNumber)).toBe(false);
      }
      // the stats of one model are computed once per image and reused by later passes
      const row = store.getModel(r.modelId!)!;
      const enc = await getEncoder(store, { encoderDir: MICRO });
      const ids = r.suggestions.map((s) => s.imageNumber);
      const a = await segmenterMaskStats(store, row, enc, ids.slice(0, 2));
      const b = await segmenterMaskStats(store, row, enc, ids);
      expect(b.get(ids[0])).toBe(a.get(ids[0]));
      expect(b.size).toBe(ids.length);
    } finally {
      store.close();
    }
  });
});
