/** Lung-mask decoder end to end on real ieee8023 masks (masks_v7) with the micro test encoder. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectStore } from '../../src/core/store/types.ts';
import { trainSegmenter } from '../../src/core/train/segment.ts';
import type { SegmentMetrics } from '../../src/core/train/types.ts';
import { microDir } from '../model/golden.ts';
import { manifestItems, projectWith } from './fixture-project.ts';

let project: ProjectStore;

beforeAll(async () => {
  const items = manifestItems('ieee8023', 12, ['covid19'], (i) => /masks_v7/.test(i.mask ?? ''));
  project = await projectWith(items, ['covid19']);
}, 60_000);
afterAll(() => project?.close());

describe('trainSegmenter', () => {
  it('learns lung masks better than chance and reports Dice/IoU/HD95 at original geometry', async () => {
    expect(project.listMasks('lung')).toHaveLength(12);
    const r = await trainSegmenter(project, { encoderDir: microDir, provider: 'cpu', epochs: 15, seed: 3 });
    const m = r.metrics as SegmentMetrics;
    expect(m.n).toBe(r.valImages);
    expect(m.n).toBeGreaterThanOrEqual(2);
    // Lungs cover ~30-40 % of the square: an all-background or random mask scores far lower.
    expect(m.dice).toBeGreaterThan(0.5);
    expect(m.iou).toBeLessThanOrEqual(m.dice);
    expect(m.hd95).toBeGreaterThanOrEqual(0);
    expect(r.features).toEqual({ computed: 24, cached: 0 });
    const saved = project.getModel(r.modelId)!;
    expect(saved).toMatchObject({ kind: 'segment', head: 'segdecoder', hasWeights: true });
  }, 300_000);
});
