import { reliability, rocWithBand } from '../eval/curves.ts';
import type { ConfoundingReport, CvEstimate, EvalChecks, ReportData } from '../eval/types.ts';
import { positiveIndex } from '../stats/positive-class.ts';
import type { ModelRow } from '../store/types.ts';
import type { ClassifierMetrics } from '../train/types.ts';

export interface ReportInput {
  title: string;
  evaluatedOn: string;
  row: ModelRow;
  encoder: { id: string; card: { name: string } & Record<string, unknown> };
  /** Scored images: calibrated probabilities, label index, source. */
  probs: number[][];
  truth: number[];
  metrics: ClassifierMetrics;
  failed: number;
  checks?: EvalChecks;
  confounding?: ConfoundingReport;
  estimate?: CvEstimate;
  warnings: ReportData['warnings'];
}

/** Encoder card fields worth printing (architecture, preprocessing, how it was trained). */
function encoderDetails(card: Record<string, unknown>): Record<string, unknown> {
  const t = (card.training ?? {}) as Record<string, unknown>;
  const pick = (o: Record<string, unknown>, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  return {
    arch: card.arch,
    preprocessing: card.preprocessing,
    training: pick(t, ['method', 'images', 'holdout', 'total_epochs', 'total_steps', 'device']),
    created: card.created,
    git_rev: card.git_rev,
  };
}

export function buildReportData(r: ReportInput): ReportData {
  const cfg = r.row.config as Record<string, unknown>;
  const classes = (cfg.classes as string[]) ?? [];
  const pos = positiveIndex(classes);
  const threshold = (cfg.threshold as number | null | undefined) ?? null;
  const decide = (p: number[]) =>
    pos !== null && threshold !== null ? (p[pos] >= threshold ? pos : 1 - pos) : p.indexOf(Math.max(...p));
  const matrix = classes.map(() => classes.map(() => 0));
  r.probs.forEach((p, i) => {
    matrix[r.truth[i]][decide(p)]++;
  });
  const nPerClass = Object.fromEntries(classes.map((c, k) => [c, r.truth.filter((t) => t === k).length]));
  const out: ReportData = {
    title: r.title,
    generatedAt: new Date().toISOString(),
    evaluatedOn: r.evaluatedOn,
    model: {
      id: r.row.id,
      name: r.row.name,
      head: r.row.head,
      task: r.row.task ?? 'default',
      classes,
      createdAt: (r.row as { createdAt?: string }).createdAt,
      threshold,
      temperature: cfg.temperature as number | undefined,
      config: Object.fromEntries(
        Object.entries(cfg).filter(([k]) => !['imageIds', 'valImageIds', 'encoder', 'classes'].includes(k)),
      ),
    },
    encoder: { id: r.encoder.id, name: r.encoder.card.name, details: encoderDetails(r.encoder.card) },
    n: r.truth.length,
    nPerClass,
    failed: r.failed,
    positiveClass: pos === null ? null : classes[pos],
    accuracy: r.metrics.accuracy,
    ece: r.metrics.ece,
    estimate: r.estimate,
    calibration: [],
    confusion: { labels: classes, matrix, threshold },
    perSource: Object.entries(r.metrics.perSource).map(([source, v]) => ({ source, ...v })),
    warnings: r.warnings,
    ood: r.checks?.ood,
    overlap: r.checks?.overlap,
    confounding: r.confounding ?? r.checks?.trainingConfounding,
    operating: r.checks?.operating,
    tradeoff: r.checks?.tradeoff,
  };
  if (pos !== null && r.metrics.binary) {
    const s = r.probs.map((p) => p[pos]);
    const y = r.truth.map((t) => t === pos);
    out.auc = r.metrics.binary.auc;
    out.aucCI = r.metrics.binary.aucCI;
    out.roc = rocWithBand(s, y);
    out.calibration = reliability(s, y);
    if (threshold !== null) {
      const m = r.metrics.binary;
      const tp = matrix[pos][pos];
      const fn = matrix[pos][1 - pos];
      const fp = matrix[1 - pos][pos];
      const tn = matrix[1 - pos][1 - pos];
      out.atThreshold = {
        threshold,
        sensitivity: m.sensitivity,
        specificity: m.specificity,
        ppv: tp + fp ? tp / (tp + fp) : Number.NaN,
        npv: tn + fn ? tn / (tn + fn) : Number.NaN,
        tp,
        fp,
        tn,
        fn,
      };
    }
  }
  return out;
}
