/**
 * Contracts of honest evaluation: shortcut/confounding checks, out-of-distribution flags,
 * operating points, site recalibration, train/eval overlap and the report. Everything here is
 * plain data (JSON-safe), so the CLI prints it, the API returns it and the report renders it.
 */
import type { Estimate } from './estimate-contract.ts';

export type WarningCode =
  | 'single-source-class'
  | 'label-source-association'
  | 'source-predictable'
  | 'distribution-shift'
  | 'overlap-image'
  | 'overlap-patient'
  | 'small-n';

/** A plain-words warning; `details` carries the numbers behind it. */
export interface EvalWarning {
  code: WarningCode;
  message: string;
  details?: Record<string, unknown>;
}

/** One labelled image as the checks see it. */
export interface CheckItem {
  label: string;
  source: string | null;
  patientId?: string | null;
}

export interface AssociationResult {
  sources: string[];
  classes: string[];
  /** counts[class][source]. */
  counts: Record<string, Record<string, number>>;
  /** Bias-corrected Cramér's V (Bergsma 2013), 0 = independent, 1 = label determined by source. */
  cramersV: number;
  test: 'fisher-exact' | 'chi-square' | 'none';
  pValue: number;
  /** Accuracy of guessing each image's label from its source alone (the source's commonest class). */
  sourceOnlyAccuracy: number;
  /** Accuracy of always guessing the commonest class: the baseline for the figure above. */
  majorityAccuracy: number;
  singleSourceClasses: Array<{ className: string; source: string; n: number }>;
}

/** Cross-validated AUC of predicting the source from the encoder features (one-vs-rest, macro). */
export interface SourceProbeResult {
  auc: number;
  perSource: Record<string, number>;
  folds: number;
  n: number;
}

export interface ConfoundingReport {
  association: AssociationResult;
  sourceProbe?: SourceProbeResult;
  warnings: EvalWarning[];
}

/** Reference set and calibrated threshold of the k-NN out-of-distribution score. */
export interface OodCalibration {
  k: number;
  /** Quantile of held-out in-distribution scores used as the flag threshold (0.95). */
  quantile: number;
  threshold: number;
  /** Held-out in-distribution scores (sorted), for percentiles in the report. */
  inDistribution: number[];
  nReference: number;
}

export interface OodSummary {
  calibration: Omit<OodCalibration, 'inDistribution'>;
  n: number;
  flagged: number;
  share: number;
  /** Share expected if the set came from the training distribution: 1 − quantile. */
  expectedShare: number;
  /** One-sided binomial p-value of seeing this many flags or more under no shift. */
  pValue: number;
  shifted: boolean;
}

export interface TradeoffRow {
  threshold: number;
  sensitivity: number;
  specificity: number;
  ppv: number;
  npv: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export type OperatingTarget = { sensitivity: number } | { specificity: number } | { youden: true };

export interface OperatingPoint extends TradeoffRow {
  target: OperatingTarget;
  /** False when no threshold reaches the target on this data (the closest one is returned). */
  reached: boolean;
}

/**
 * An operating point chosen so that the target holds with a stated confidence: the one-sided
 * Clopper–Pearson lower bound of the targeted rate, not the rate itself, must reach the target.
 */
export interface ConservativePoint extends OperatingPoint {
  confidence: number;
  /** Lower bound of the targeted rate (sensitivity or specificity) at `confidence`. */
  bound: number;
  /** Images of the class the target is about (negatives for specificity, positives for sensitivity). */
  nTargetClass: number;
  /** Fewest images of that class, all correct, whose bound could reach the target. */
  nNeeded: number;
}

/** Platt-style recalibration of a two-class model's log-odds: s' = a·s + b. */
export interface Recalibration {
  a: number;
  b: number;
  threshold: number;
  n: number;
  nPerClass: Record<string, number>;
  target: OperatingTarget;
  /** The threshold's evidence on the site labels: the bound of the targeted rate, when conservative. */
  operating?: ConservativePoint;
}

export interface OverlapReport {
  /** Evaluation images whose file content (sha256) was in the model's training data. */
  sameImage: number;
  /** Evaluation images of a patient whose images were in the training data. */
  samePatient: number;
  n: number;
  examples: string[];
  /** How the training set was known: recorded with the model, or all labelled project images. */
  basis: 'recorded' | 'project-labels';
}

/** The cross-validated estimate training stores on a classifier's metrics (`metrics.estimate`). */
export type CvEstimate = Estimate;

/** One scored evaluation image (kept for reports; left out of CLI JSON unless asked). */
export interface EvalImage {
  file: string;
  sha256: string;
  label: string;
  source: string;
  patientId?: string;
  probs: number[];
  ood?: number;
  flagged?: boolean;
}

/** What honest evaluation adds to an evaluation result. */
export interface EvalChecks {
  warnings: EvalWarning[];
  nPerClass: Record<string, number>;
  /** Shortcut checks on the model's training data (what it could have learned). */
  trainingConfounding: ConfoundingReport;
  ood?: OodSummary;
  overlap: OverlapReport;
  /** The threshold that meets the requested target on this set, and what it gives. */
  operating?: OperatingPoint;
  tradeoff?: TradeoffRow[];
  features: { computed: number; cached: number };
}

/** Everything the offline report shows; built by report-data.ts, rendered by report-html.ts. */
export interface ReportData {
  title: string;
  generatedAt: string;
  evaluatedOn: string;
  model: {
    id: number;
    name: string;
    head: string;
    task: string;
    classes: string[];
    createdAt?: string;
    threshold: number | null;
    temperature?: number;
    config: Record<string, unknown>;
  };
  encoder: { id: string; name: string; details: Record<string, unknown> };
  n: number;
  nPerClass: Record<string, number>;
  failed: number;
  positiveClass: string | null;
  auc?: number;
  aucCI?: [number, number];
  accuracy: number;
  ece: number;
  estimate?: CvEstimate;
  roc?: import('./curves.ts').RocBand;
  calibration: import('./curves.ts').CalibrationBin[];
  confusion: { labels: string[]; matrix: number[][]; threshold: number | null };
  atThreshold?: TradeoffRow;
  operating?: OperatingPoint;
  tradeoff?: TradeoffRow[];
  perSource: Array<{ source: string; n: number; accuracy: number; auc?: number; aucCI?: [number, number] }>;
  warnings: EvalWarning[];
  ood?: OodSummary;
  overlap?: OverlapReport;
  confounding?: ConfoundingReport;
}
