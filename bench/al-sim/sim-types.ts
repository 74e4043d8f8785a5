import type { StrategyName } from '../../src/core/active/types.ts';

/** One simulated labelling campaign per strategy and seed (the `spcxr al-sim` proof). */
export interface SimConfig {
  dataset: 'nih' | 'kermany' | 'ieee-masks';
  strategies: StrategyName[];
  seeds: number[];
  /** Cold-start set size (the same set starts every strategy of a seed). */
  start: number;
  batch: number;
  budget: number;
  /** Fraction of patients held out for evaluation. */
  testFraction: number;
  /** L2 strength of the mask probe (ridge); the classifier chooses its own by CV, as `train` does. */
  lambda: number;
  /** Hybrid's second stage (default: the product's default). */
  hybridSelect?: 'cluster' | 'kcenter';
  hybridWarmup?: number;
  hybridPoolFactor?: number;
}

export interface Curve {
  strategy: StrategyName;
  /** Number of labels at each evaluation point. */
  labels: number[];
  /** values[point][seed]: AUC (classification) or Dice (segmentation) on held-out patients. */
  values: number[][];
}

export interface SimResult {
  config: SimConfig;
  metric: 'AUC' | 'Dice';
  images: number;
  pool: number;
  test: number;
  encoderId: string;
  curves: Curve[];
  /** Mean wall time of one suggestion pass per strategy, ms. */
  passMs: Record<string, number>;
  seconds: number;
}

export interface Savings {
  /** The random strategy's mean metric at the reference label count. */
  reference: { labels: number; value: number };
  /** Labels each strategy needs (mean curve, linear interpolation) to reach it; null if never. */
  needed: Record<string, number | null>;
}
