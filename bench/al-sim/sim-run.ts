import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { StrategyName } from '../../src/core/active/types.ts';
import { simulate } from './sim.ts';
import { loadMasks, loadSimDataset, type SimDatasetName, simFeatures } from './sim-data.ts';
import { markdownTable, savings } from './sim-report.ts';
import type { Savings, SimConfig, SimResult } from './sim-types.ts';
import { learningCurveSvg } from './svg.ts';

export interface SimRunOptions {
  dataRoot: string;
  encoderDir: string;
  cacheDir: string;
  /** Folder for `al-<dataset>.svg`; none written when absent. */
  figureDir?: string;
  seeds: number;
  strategies?: StrategyName[];
  overrides?: Partial<SimConfig>;
  log?: (line: string) => void;
  progress?: (label: string, done: number, total: number) => void;
}

export interface SimRunOutput {
  result: SimResult;
  savings: Savings;
  table: string;
  figure?: string;
}

const DEFAULTS: Record<SimDatasetName, Omit<SimConfig, 'dataset' | 'strategies' | 'seeds'>> = {
  nih: { start: 20, batch: 10, budget: 300, testFraction: 0.3, lambda: 30 },
  kermany: { start: 20, batch: 10, budget: 300, testFraction: 0.3, lambda: 30 },
  'ieee-masks': { start: 10, batch: 10, budget: 100, testFraction: 0.3, lambda: 10 },
};

/** Reference label count for the savings line: 200 for classification (the goal), 2/3 of the budget otherwise. */
export function referenceLabels(cfg: SimConfig): number {
  return cfg.dataset === 'ieee-masks'
    ? Math.round((cfg.budget * 2) / 3 / 10) * 10
    : Math.min(200, cfg.budget);
}

export async function runSim(dataset: SimDatasetName, o: SimRunOptions): Promise<SimRunOutput> {
  const cfg: SimConfig = {
    dataset,
    strategies: o.strategies ?? ['hybrid', 'uncertainty', 'diversity', 'random'],
    seeds: Array.from({ length: o.seeds }, (_, i) => i + 1),
    ...DEFAULTS[dataset],
    ...o.overrides,
  };
  const images = loadSimDataset(o.dataRoot, dataset);
  const seg = dataset === 'ieee-masks';
  const feats = await simFeatures(images, dataset, o.encoderDir, o.cacheDir, seg, (d, t) =>
    o.progress?.(`features ${dataset}`, d, t),
  );
  const masks = seg ? { ...(await loadMasks(images, 64, feats.grid)), res: 64 } : undefined;
  const result = await simulate(cfg, images, feats, o.log, masks);
  const s = savings(result, referenceLabels(cfg));
  const step = cfg.budget >= 200 ? 50 : 20;
  const points = [cfg.start, ...range(step, cfg.budget, step)].filter((v, i, a) => a.indexOf(v) === i);
  const table = markdownTable(result, s, points);
  let figure: string | undefined;
  if (o.figureDir) {
    mkdirSync(o.figureDir, { recursive: true });
    figure = path.join(o.figureDir, `al-${dataset}.svg`);
    const what = seg
      ? 'ieee8023 lung masks (masks_v7), Dice'
      : `${dataset === 'nih' ? 'NIH ChestX-ray14' : 'Kermany pediatric'} pneumonia vs normal, AUC`;
    writeFileSync(figure, learningCurveSvg(result, `Active learning: ${what}`, s.reference));
    // The curve data beside the figure, so it can be re-drawn or compared without a rerun.
    writeFileSync(
      figure.replace(/\.svg$/, '.json'),
      `${JSON.stringify({ title: what, result, savings: s })}\n`,
    );
  }
  return { result, savings: s, table, figure };
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}
