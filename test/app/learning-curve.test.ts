import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LearningPoint } from '../../src/core/app/learning-contract.ts';
import { learningCurve } from '../../src/core/app/learning-curve.ts';
import { learningTrend } from '../../src/core/app/learning-trend.ts';
import { createProject } from '../../src/core/store/index.ts';

let id = 0;
const pt = (labels: number, auc: number, half: number): LearningPoint => ({
  modelId: ++id,
  name: `m${id}`,
  labels,
  auc,
  ci: [auc - half, auc + half],
  nPerClass: { normal: labels / 2, pneumonia: labels / 2 },
  method: 'grouped-cv',
  tooSmall: false,
  createdAt: '',
});

describe('whether more labels still pay off', () => {
  it('says "not enough models yet" with one model, or models too close in labels', () => {
    expect(learningTrend([]).verdict).toBe('not-enough');
    expect(learningTrend([pt(40, 0.8, 0.1)]).text).toMatch(/Not enough models yet/);
    expect(learningTrend([pt(40, 0.8, 0.1), pt(50, 0.9, 0.02)]).verdict).toBe('not-enough');
  });

  it('calls a clear rise over the last ~50 labels paying off, with its interval', () => {
    const t = learningTrend([pt(20, 0.7, 0.05), pt(50, 0.75, 0.04), pt(100, 0.88, 0.03)]);
    expect(t.verdict).toBe('paying-off');
    expect(t.from).toBe(50);
    expect(t.to).toBe(100);
    expect(t.delta).toBeCloseTo(0.13, 10);
    // Independent-errors interval: sqrt(se1² + se2²) with se = half-width / 1.96.
    const s = Math.sqrt((0.04 / 1.96) ** 2 + (0.03 / 1.96) ** 2);
    expect(t.ci![0]).toBeCloseTo(0.13 - 1.96 * s, 10);
    expect(t.text).toMatch(/still paying off.*\+0\.130 \(95 % interval \+0\.080 to \+0\.180\)/);
  });

  it('does not claim a trend the intervals cannot support', () => {
    const t = learningTrend([pt(50, 0.8, 0.1), pt(100, 0.83, 0.1)]);
    expect(t.verdict).toBe('unclear');
    expect(t.text).toMatch(/Cannot tell yet/);
  });

  it('calls a narrow interval around zero levelling off, and a clear fall worse', () => {
    expect(learningTrend([pt(400, 0.95, 0.004), pt(450, 0.951, 0.004)]).verdict).toBe('levelling-off');
    expect(learningTrend([pt(100, 0.9, 0.02), pt(150, 0.8, 0.02)]).verdict).toBe('worse');
  });

  it('builds the curve from the model history, comparable models only', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spcxr-lc-'));
    const store = createProject(path.join(dir, 'p'), { classes: ['normal', 'pneumonia', 'covid19'] });
    try {
      const save = (classes: string[], estimate: unknown) =>
        store.saveModel({
          name: 'm',
          kind: 'classify',
          head: 'linear',
          encoderId: 'e'.repeat(64),
          config: { classes },
          metrics: { estimate },
          weights: new Uint8Array([1]),
        });
      const est = (n: number, auc: number | null) => ({
        method: 'grouped-cv',
        folds: 5,
        repeats: 3,
        auc,
        ci: auc === null ? null : [auc - 0.05, auc + 0.05],
        nPerClass: { normal: n / 2, pneumonia: n / 2 },
        tooSmall: false,
      });
      save(['normal', 'pneumonia'], est(40, 0.8));
      save(['normal', 'pneumonia'], est(60, null));
      save(['normal', 'pneumonia', 'covid19'], est(70, 0.7));
      save(['pneumonia', 'normal'], est(100, 0.9));
      const c = learningCurve(store, 'default');
      expect(c.classes).toEqual(['pneumonia', 'normal']);
      expect(c.points.map((p) => [p.labels, p.auc])).toEqual([
        [40, 0.8],
        [100, 0.9],
      ]);
      expect(c.trend.verdict).toBe('paying-off');
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
