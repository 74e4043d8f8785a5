import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../bench/al-sim/sim.ts';
import {
  csvRecords,
  loadMasks,
  loadSimDataset,
  patientSplit,
  simFeatures,
} from '../../bench/al-sim/sim-data.ts';
import { labelsToReach, markdownTable, savings } from '../../bench/al-sim/sim-report.ts';
import type { SimConfig } from '../../bench/al-sim/sim-types.ts';
import { learningCurveSvg } from '../../bench/al-sim/svg.ts';
import { rng } from '../../src/core/active/vectors.ts';
import { DATA, MICRO } from '../active/real-embeddings.ts';
import { describeShared, itShared } from '../shared-data.ts';

const cache = mkdtempSync(path.join(os.tmpdir(), 'spcxr-alsim-'));
const base = { seeds: [1, 2], testFraction: 0.3, lambda: 30 };

describeShared('al-sim on real data (small budgets)', () => {
  it('classification: every strategy starts from the same cold-start set and is scored on held-out patients', async () => {
    const all = loadSimDataset(DATA, 'nih');
    const images = [
      ...all.filter((i) => i.label === 'normal').slice(0, 100),
      ...all.filter((i) => i.label === 'pneumonia').slice(0, 100),
    ];
    const feats = await simFeatures(images, 'nih', MICRO, cache, false);
    const cfg: SimConfig = {
      ...base,
      dataset: 'nih',
      strategies: ['hybrid', 'random', 'diversity'],
      start: 10,
      batch: 15,
      budget: 40,
    };
    const r = await simulate(cfg, images, feats);
    expect(r.metric).toBe('AUC');
    for (const c of r.curves) {
      expect(c.labels).toEqual([10, 25, 40]);
      for (const v of c.values) {
        expect(v).toHaveLength(2);
        for (const a of v) expect(a).toBeGreaterThan(0.3);
      }
      expect(c.values[0]).toEqual(r.curves[0].values[0]);
    }
    const s = savings(r, 40);
    expect(s.needed.random).toBe(
      labelsToReach(r.curves.find((c) => c.strategy === 'random')!, s.reference.value),
    );
    expect(markdownTable(r, s, [10, 25, 40])).toMatch(/^\| strategy \| 10 \| 25 \| 40 \|/);
    const svg = learningCurveSvg(r, 'test <curves>');
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg.match(/<polygon/g)).toHaveLength(3);
    expect(svg).toContain('test &lt;curves&gt;');
  });

  it('segmentation: Dice of the mask probe on held-out patients, masks read from masks_v7', async () => {
    const images = loadSimDataset(DATA, 'ieee-masks').slice(0, 60);
    expect(images.every((i) => i.mask?.includes('masks_v7'))).toBe(true);
    const feats = await simFeatures(images, 'ieee-masks', MICRO, cache, true);
    const masks = { ...(await loadMasks(images, 32, feats.grid)), res: 32 };
    const cfg: SimConfig = {
      ...base,
      dataset: 'ieee-masks',
      strategies: ['uncertainty', 'random'],
      start: 5,
      batch: 10,
      budget: 25,
      lambda: 10,
    };
    const r = await simulate(cfg, images, feats, () => {}, masks);
    expect(r.metric).toBe('Dice');
    for (const c of r.curves) {
      expect(c.labels).toEqual([5, 15, 25]);
      for (const v of c.values.flat()) expect(v).toBeGreaterThan(0.3);
    }
  });
});

describe('simulation helpers', () => {
  it('labelsToReach needs the curve to reach the target and stay there', () => {
    const c = { strategy: 'hybrid' as const, labels: [20, 40, 60, 80], values: [[0.6], [0.8], [0.7], [0.9]] };
    expect(labelsToReach(c, 0.75)).toBe(65);
    expect(labelsToReach(c, 0.5)).toBe(20);
    expect(labelsToReach(c, 0.95)).toBeNull();
  });

  itShared('patient split keeps each patient on one side', () => {
    const images = loadSimDataset(DATA, 'nih');
    const { pool, test } = patientSplit(images, 0.3, rng(5));
    const inTest = new Set(test.map((i) => images[i].patient));
    for (const i of pool) expect(inTest.has(images[i].patient)).toBe(false);
    expect(pool.length + test.length).toBe(images.length);
  });

  it('reads quoted CSV fields and names a missing manifest', () => {
    expect(csvRecords('a,b\n"x, y","say ""hi"""\n')).toEqual([{ a: 'x, y', b: 'say "hi"' }]);
    expect(() => loadSimDataset('/nonexistent', 'nih')).toThrow(/nonexistent.*manifest\.csv: not found/);
  });
});
