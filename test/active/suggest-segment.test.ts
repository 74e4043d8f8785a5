import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { segmenterMaskStats } from '../../src/core/active/mask-probs.ts';
import { suggestForProject } from '../../src/core/active/project.ts';
import { openProject } from '../../src/core/store/index.ts';
import { getEncoder, releaseEncoders } from '../../src/core/train/engine.ts';
import { trainSegmenter } from '../../src/core/train/segment.ts';
import { buildIeeeMasksProject } from '../ieee-masks-project.ts';
import { describeShared } from '../shared-data.ts';
import { MICRO } from './real-embeddings.ts';

let dir: string;
let project: string;

beforeAll(() => {
  ({ dir, project } = buildIeeeMasksProject({ prefix: 'spcxr-alseg-', images: 16, masked: 8 }));
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
