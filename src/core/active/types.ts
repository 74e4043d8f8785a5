/**
 * Active-learning contract: what the strategies read, what a suggestion carries, and the
 * background retraining scheduler the worker runs. Everything here is plain data over
 * Float32Array so that a full pass over thousands of cached embeddings stays well under a second.
 */
import type { DistanceSpace } from './vectors.ts';

/**
 * The strategies a user can ask for; the one list every shell and schema reads. `typical` is
 * TypiClust at every pass; `balanced` is class-balanced uncertainty; `switch` is `typical`
 * below SWITCH_AT labels and `balanced` from there.
 */
export const STRATEGIES = [
  'hybrid',
  'uncertainty',
  'diversity',
  'random',
  'typical',
  'balanced',
  'switch',
] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Strategies that read a classifier's (or segmenter's) probabilities once there is one. */
export const MODEL_STRATEGIES: readonly StrategyName[] = ['hybrid', 'uncertainty', 'balanced', 'switch'];
export function needsModel(s: StrategyName): boolean {
  return MODEL_STRATEGIES.includes(s);
}

/** Labels at which `switch` moves from typical picks to class-balanced uncertainty. */
export const SWITCH_AT = 60;
/** What actually produced a suggestion: a requested strategy, or cold start when labels are few. */
export type UsedStrategy = StrategyName | 'coldstart';
export type ActiveTask = 'classify' | 'segment';

/** The candidate pool: every project image with its cached embedding (row-major, n × dim). */
export interface Pool {
  ids: string[];
  dim: number;
  /** Row-major [ids.length × dim]; may be empty when the caller passes a distance `space`. */
  embeddings: Float32Array;
  /** Site / source per image (null when unknown); cold start represents each one. */
  sources?: (string | null)[];
}

/** Calibrated class probabilities for every pool image (row-major, n × classes.length). */
export interface ClassProbs {
  classes: string[];
  probs: Float32Array;
  /**
   * Two classes with a decision threshold the user chose: "uncertain" then means near that
   * threshold, and a prefilled label is the class decided at it.
   */
  threshold?: { positive: number; value: number };
}

/** Per-image uncertainty of a predicted mask, computed from its probability map. */
export interface MaskStats {
  /** Mean binary entropy over all pixels, in bits (0…1). */
  meanEntropy: number;
  /** Mean binary entropy over the pixels on the predicted mask's border, in bits (0…1). */
  boundaryEntropy: number;
  /** Fraction of border pixels whose probability lies between 0.2 and 0.8. */
  unsureBorder: number;
  /** Fraction of pixels predicted foreground (p ≥ 0.5). */
  area: number;
  /** Mean of max(p, 1 − p): how sure the pre-filled mask is, 0.5…1. */
  confidence: number;
}

/** When an image was last served (shown as a suggestion) or skipped, in ms since the epoch. */
export interface ServeHistory {
  servedAt?: number;
  skippedAt?: number;
  skipCount?: number;
}

export interface DeferPolicy {
  /** An image served within this window is held back (default 10 min). */
  servedCooldownMs: number;
  /** A skipped image is held back this long, doubled per further skip (default 30 min). */
  skipCooldownMs: number;
}

export interface SuggestInput {
  pool: Pool;
  /** Pool indices that already carry a human label (or mask, for segmentation). */
  labelled: ReadonlySet<number>;
  task: ActiveTask;
  strategy: StrategyName;
  n: number;
  /** Present once a classifier exists; without it, uncertainty and hybrid fall back to cold start. */
  classProbs?: ClassProbs;
  /** Present once a segmentation model exists: one entry per pool index (null if not predicted). */
  maskStats?: (MaskStats | null)[];
  /** Keyed by image id. */
  history?: ReadonlyMap<string, ServeHistory>;
  /**
   * The projected distance space of `pool`, when the caller keeps one between passes (the
   * worker's resident features); otherwise the pass projects the rows it needs itself.
   */
  space?: DistanceSpace;
  now?: number;
  seed?: number;
  defer?: Partial<DeferPolicy>;
  /** Below this many labels cold start is used whatever the strategy (default 1 = only with none). */
  minLabelsForModel?: number;
  /** Hybrid: size of the uncertain candidate pool as a multiple of n (default 5). */
  hybridPoolFactor?: number;
  /** Hybrid: below this many labels part of each batch is typical (cold-start) picks (default 40, 20 for masks; 0 = off). */
  hybridWarmup?: number;
  /** `switch`: labels from which it uses class-balanced uncertainty (default SWITCH_AT). */
  switchAt?: number;
  /** Hybrid's second stage: most uncertain per k-means cluster (default) or k-center greedy. */
  hybridSelect?: 'cluster' | 'kcenter';
  /** Width of the random projection distances are measured in (default 64; ≥ dim = exact). */
  distanceDims?: number;
}

export type ReasonCode =
  | 'torn'
  | 'leaning'
  | 'uncertain-mask'
  | 'unlike-labelled'
  | 'typical-cluster'
  | 'random'
  | 'deferred';

export interface PrefillLabel {
  label: string;
  /** Calibrated probability of that label. */
  confidence: number;
  probs: Record<string, number>;
}

export interface Suggestion {
  imageId: string;
  index: number;
  strategy: UsedStrategy;
  /** Higher is more worth labelling, comparable only within one pass. */
  score: number;
  reasonCode: ReasonCode;
  /** One plain sentence a user understands. */
  reason: string;
  /** Pre-filled label from the current classifier, when there is one. */
  prefill?: PrefillLabel;
  /** Confidence of the pre-filled mask (the mask itself is the engine's stored prediction). */
  prefillMask?: { confidence: number };
  /** True when the image had been served or skipped recently and only fills the batch. */
  deferred: boolean;
}

export interface SuggestResult {
  requested: StrategyName;
  used: UsedStrategy;
  /** Why the requested strategy was not used, in words (e.g. no labels yet). */
  fallback?: string;
  suggestions: Suggestion[];
  /** Unlabelled images considered, and how many of them were held back as recently served/skipped. */
  candidates: number;
  deferredCount: number;
}

/** Background retraining: the worker owns one of these per project and task. */
export interface RetrainRequest {
  task: ActiveTask;
  /** Labels added since the last completed retrain, when the request was made. */
  newLabels: number;
  reason: 'threshold' | 'manual';
}

export interface RetrainOutcome {
  modelId?: string;
  metrics?: Record<string, number>;
}

export type SchedulerEvent =
  | { type: 'queued'; request: RetrainRequest }
  | { type: 'coalesced'; request: RetrainRequest }
  | { type: 'started'; request: RetrainRequest }
  | { type: 'finished'; request: RetrainRequest; outcome: RetrainOutcome; ms: number }
  | { type: 'failed'; request: RetrainRequest; error: string };

export interface SchedulerOptions {
  task: ActiveTask;
  /** Retrain after every N new labels (default 10). */
  everyN?: number;
  /** Does the retraining; must not block the caller's thread for long (run it in the worker). */
  retrain: (request: RetrainRequest, signal: AbortSignal) => Promise<RetrainOutcome>;
  onEvent?: (event: SchedulerEvent) => void;
}

export interface SchedulerState {
  pendingLabels: number;
  running: boolean;
  queued: boolean;
  completed: number;
  lastOutcome?: RetrainOutcome;
  lastError?: string;
}
