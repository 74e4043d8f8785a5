/**
 * Public contract of the fine-tuning engine (issue 4), for the worker, API, CLI and active
 * learning. Implementations: `./index.ts` re-exports trainClassifier, trainSegmenter, predict,
 * evaluateManifest, exportBundle, loadClassifier.
 *
 * Every long call takes a RunControl: `signal` (AbortSignal; the call rejects with its reason
 * and saves nothing) and `onProgress` ({phase: 'features' | 'train' | 'eval' | 'predict', done,
 * total}). Calls yield to the event loop regularly. Only one training runs per project at a
 * time: a second call rejects with TrainingBusyError.
 */
import { ConflictError } from '../errors.ts';
import type { Estimate } from '../eval/estimate-contract.ts';
import type { ConfoundingReport, EvalChecks, EvalImage, EvalWarning, OodSummary } from '../eval/types.ts';
import type { ProviderInfo } from '../model/types.ts';
import type { MaskMetrics } from './seg-metrics.ts';

export { Estimate, EstimateMethod } from '../eval/estimate-contract.ts';
export type { RunControl } from '../model/types.ts';

/** linear: probe on CLS ‖ mean patch; attentive: learned-query attention probe over `final`
 * tokens; blocks:k: fine-tunes the last k transformer blocks from cached block-(L−k) tokens. */
export type ClassifierHead = 'linear' | 'attentive' | 'blocks:1' | 'blocks:2';

export interface EngineOptions {
  /** Encoder folder (model.json, encoder.onnx, weights.safetensors). Default: SPCXR_ENCODER,
   * then the project setting `encoderDir`, then resources/models/spcxr-vit-tiny. */
  encoderDir?: string;
  /** Forces the ONNX execution provider (else SPCXR_EP, else automatic). */
  provider?: 'auto' | 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';
}

export interface TrainClassifierOptions extends EngineOptions {
  task?: string;
  /** `auto`: linear or attentive, whichever patient-grouped CV ranks higher (head-choice.ts). */
  head?: ClassifierHead | 'auto';
  /** Restrict training + validation to these images (label budgets, experiments). */
  imageIds?: number[];
  /**
   * Fraction of patients held out for early stopping, calibration and metrics (0.2): attentive
   * and blocks heads, and the linear head from 1,000 labels (below, repeated CV replaces it).
   */
  valFraction?: number;
  seed?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  patience?: number;
  weightDecay?: number;
  /** Also train on the horizontally flipped view (cached as view 1). Default false. */
  augment?: boolean;
  /**
   * Fit the final model on every label, the estimate coming from the split or CV. The linear
   * head below 1,000 labels always does (its estimate is cross-validated).
   */
  all?: boolean;
  name?: string;
  /** Two-class threshold: reach this validation sensitivity (or specificity) instead of Youden's J. */
  targetSensitivity?: number;
  targetSpecificity?: number;
}

/** How `head: 'auto'` chose: out-of-fold AUC of both heads on the same patient-grouped folds. */
export interface HeadChoice {
  method: 'grouped-cv' | 'holdout';
  folds: number;
  linear: number;
  attentive: number;
  chosen: 'linear' | 'attentive';
  ms: number;
}

export interface BinaryReport {
  positiveClass: string;
  threshold: number;
  auc: number;
  aucCI: [number, number];
  sensitivity: number;
  specificity: number;
  f1: number;
  accuracy: number;
}

export interface ClassifierMetrics {
  n: number;
  accuracy: number;
  ece: number;
  /** Two-class tasks: the positive class (not 'normal') at the model's threshold. */
  binary?: BinaryReport;
  /** One-vs-rest per class. */
  perClass: Record<
    string,
    { n: number; auc: number; aucCI: [number, number]; sensitivity: number; specificity: number; f1: number }
  >;
  perSource: Record<string, { n: number; accuracy: number; auc?: number; aucCI?: [number, number] }>;
  /** Expected performance on new patients of these sources (./estimate-contract.ts). */
  estimate?: Estimate;
  /** Shortcut/confounding warnings on the training data (set by training). */
  warnings?: EvalWarning[];
  confounding?: ConfoundingReport;
  /** Set when the head type was chosen by the data (`head: 'auto'`). */
  headChoice?: HeadChoice;
}

export interface TrainResult {
  modelId: number;
  runId: number;
  head: string;
  classes: string[];
  trainImages: number;
  valImages: number;
  /** Metrics on the patient-grouped validation split (calibrated probabilities). */
  metrics: ClassifierMetrics | SegmentMetrics;
  history: Array<{ epoch: number; trainLoss: number; valLoss: number; ms?: number }>;
  timings: { featuresMs: number; trainMs: number; evalMs: number };
  /** Feature cache use: entries computed now vs found cached. */
  features: { computed: number; cached: number };
  backend: string;
  provider: ProviderInfo;
}

export interface TrainSegmenterOptions extends EngineOptions {
  maskClass?: string;
  /** Add the full-resolution refinement stem (slower on CPU; measured in docs/BENCHMARKS.md). */
  stem?: boolean;
  /** Decoder channels at grid resolution (64). */
  width?: number;
  /**
   * Dense 2G × 2G token grid from 4 half-patch-shifted encoder passes (default true; false: the
   * plain G × G grid, 4× cheaper features, lower Dice: docs/BENCHMARKS.md).
   */
  dense?: boolean;
  /** 3×3 context convs at grid resolution (2). */
  ctx?: number;
  /** Channels of the image branch (8; 0 = none; decoders before 2026-12-02 used 16). */
  branch?: number;
  /** Slim fusion: token channels before upsampling (16; 0 = the wide fusion of older
   * decoders), and the S/4 fusion width (16) (seg-head.ts). */
  lateral?: number;
  fuse2?: number;
  /** Augmented copies (seeded affine) of each training image, each also flipped (3). */
  augViews?: number;
  /** Average the prediction with that of the flipped image (true). */
  tta?: boolean;
  /**
   * Copies of each training image (of its 2·(augViews+1)) drawn per epoch (2). All copies
   * per epoch was the schedule before 2026-12-02 (8× the steps per epoch; docs/BENCHMARKS.md).
   */
  copiesPerEpoch?: number;
  /** Learning rate over the epochs: constant, or cosine decay to 5 % at the epoch cap (default). */
  schedule?: 'constant' | 'cosine';
  imageIds?: number[];
  valFraction?: number;
  seed?: number;
  epochs?: number;
  lr?: number;
  batchSize?: number;
  patience?: number;
  name?: string;
}

export interface SegmentMetrics {
  n: number;
  dice: number;
  iou: number;
  hd95: number;
  perImage?: Array<{ imageId?: number; file?: string } & MaskMetrics>;
  perSource: Record<string, { n: number; dice: number; iou: number; hd95: number }>;
}

export interface PredictOptions extends EngineOptions {
  /** Default: the project's active classifier (a segmenter is scored only when named). */
  modelId?: number;
  imageIds?: number[];
}

export interface PredictResult {
  modelId: number;
  kind: 'classify' | 'segment';
  scored: number;
  ms: number;
  /** Classifiers: images decided per class at `threshold` (two classes) or by the likeliest class. */
  predicted?: Record<string, number>;
  /** Two classes: the decision threshold used, and the user's rule when they chose it. */
  threshold?: number | null;
  thresholdRule?: string;
  /** Classifiers: how many scored images look unlike the training data. */
  ood?: OodSummary;
  warnings?: EvalWarning[];
}

export interface EvaluateOptions extends EngineOptions {
  /** CSV in the import-manifest form: file (relative to the CSV), label and/or mask, patient_id, source. */
  manifest: string;
  /** Default: the active classifier; for a manifest with masks and no labels, the active segmenter. */
  modelId?: number;
  /** Also report the threshold that reaches this sensitivity (or specificity) on the set. */
  targetSensitivity?: number;
  targetSpecificity?: number;
  /** Keep the per-image scores in the result (reports). */
  keepImages?: boolean;
}

export interface EvalReport {
  modelId: number;
  kind: 'classify' | 'segment';
  manifest: string;
  n: number;
  failed: Array<{ file: string; reason: string }>;
  metrics: ClassifierMetrics | SegmentMetrics;
  /** Plain-words warnings: shortcuts in the training data, shift, overlap, small n. */
  warnings?: EvalWarning[];
  checks?: EvalChecks;
  /** The model's cross-validated estimate from training, when it has one. */
  estimate?: Estimate;
  images?: EvalImage[];
}

export class TrainingBusyError extends ConflictError {
  constructor(dir: string) {
    super(`project ${dir}: a training run is already in progress`);
    this.name = 'TrainingBusyError';
  }
}
