/**
 * Learning-curve use case: the cross-validated AUC each trained classifier of a label task
 * already stores, against the labels it was trained on, from the project's model history.
 */

import { Estimate } from '../eval/estimate-contract.ts';
import type { ProjectStore } from '../store/types.ts';
import type { LearningCurve, LearningPoint } from './learning-contract.ts';
import { learningTrend } from './learning-trend.ts';

/**
 * Only models of the same classes as the task's newest one are comparable (a class added or
 * merged changes what the AUC measures); models without an estimate (too few patients) are left out.
 */
export function learningCurve(store: ProjectStore, task: string): LearningCurve {
  const models = store.listModels({ kind: 'classify', task });
  const classesOf = (c: Record<string, unknown>) => (Array.isArray(c.classes) ? (c.classes as string[]) : []);
  const newest = models.at(-1);
  const classes = newest ? classesOf(newest.config) : [];
  const key = [...classes].sort().join('\u0000');
  const points: LearningPoint[] = [];
  for (const m of models) {
    if ([...classesOf(m.config)].sort().join('\u0000') !== key) continue;
    const e = Estimate.safeParse(m.metrics.estimate);
    if (!e.success || e.data.auc === null || !e.data.ci || e.data.method === 'none') continue;
    const labels = labelsOf(m.config, e.data);
    points.push({
      modelId: m.id,
      name: m.name,
      labels,
      auc: e.data.auc,
      ci: e.data.ci,
      nPerClass: e.data.nPerClass,
      method: e.data.method,
      tooSmall: e.data.tooSmall,
      createdAt: m.createdAt,
    });
  }
  points.sort((a, b) => a.labels - b.labels || a.modelId - b.modelId);
  return { task, classes, points, trend: learningTrend(points) };
}

/**
 * Labels a model was trained on: cross-validation rests on all of them (its n per class); a
 * holdout estimate counts only the validation split, so the split sizes are used there.
 */
function labelsOf(cfg: Record<string, unknown>, e: Estimate): number {
  const sum = Object.values(e.nPerClass).reduce((a, b) => a + b, 0);
  if (e.method === 'grouped-cv') return sum;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  const all = (cfg.hyper as { all?: boolean } | undefined)?.all === true;
  return Math.max(sum, all ? n(cfg.trainImages) : n(cfg.trainImages) + n(cfg.valImages));
}
