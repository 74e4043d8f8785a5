import path from 'node:path';
import { evalFeatures } from '../eval/feature-cache.ts';
import { describeTarget } from '../eval/operating.ts';
import { recalibrate } from '../eval/recalibrate.ts';
import { smallNWarning } from '../eval/small-n.ts';
import type { EvalWarning, OperatingTarget, Recalibration } from '../eval/types.ts';
import { readManifest } from '../import/manifest.ts';
import type { RunControl } from '../model/types.ts';
import type { ProjectStore } from '../store/types.ts';
import { initTf } from '../train/backend.ts';
import { type ClassifierConfig, loadClassifier } from '../train/classifier.ts';
import { classifierConfig } from '../train/model-config.ts';
import { encoderForModel, openModel } from '../train/predict.ts';
import { classifierReport } from '../train/report.ts';
import type { ClassifierMetrics, EngineOptions } from '../train/types.ts';

export interface RecalibrateOptions extends EngineOptions {
  /** Labelled images of the new site, in the import-manifest form. */
  manifest: string;
  modelId?: number;
  /** Threshold rule on the site's labels (default: specificity ≥ 0.8). */
  target?: OperatingTarget;
  /**
   * One-sided confidence that the target holds on new patients of the site (default 0.95);
   * 0 picks the threshold exactly at the target on the site labels (not conservative).
   */
  confidence?: number;
  name?: string;
}

export const DEFAULT_RECALIBRATION_CONFIDENCE = 0.95;

export interface RecalibrateResult {
  modelId: number;
  fromModelId: number;
  recalibration: Recalibration;
  /** On the same site labels the recalibration was fitted on (in-sample: optimistic). */
  metrics: ClassifierMetrics;
  failed: Array<{ file: string; reason: string }>;
  warnings: EvalWarning[];
}

/** New (a, b) composed with an existing log-odds shift: temperature T/a, bias a·β + b on the positive class. */
export function recalibratedConfig(cfg: ClassifierConfig, r: Recalibration): ClassifierConfig {
  const pos = cfg.positive!;
  const bias = (cfg.logitBias ?? cfg.classes.map(() => 0)).map((v, k) => r.a * v + (k === pos ? r.b : 0));
  return { ...cfg, temperature: cfg.temperature / r.a, logitBias: bias, threshold: r.threshold };
}

/**
 * Adapts a two-class model to a new site from a few labelled images of that site: the log-odds
 * are rescaled and shifted (temperature and intercept) and the threshold is re-chosen for the
 * target; the head's weights are unchanged. Saved as a new model that records its origin.
 */
export async function recalibrateModel(
  project: ProjectStore,
  opts: RecalibrateOptions,
  ctl: RunControl = {},
): Promise<RecalibrateResult> {
  await initTf();
  const { row, weights } = openModel(project, opts.modelId);
  const cfg = classifierConfig(row);
  if (row.kind !== 'classify' || cfg.positive === null || cfg.classes.length !== 2)
    throw new Error(`model ${row.id}: recalibration needs a two-class classifier`);
  const encoder = await encoderForModel(project, row, opts);
  const manifest = readManifest(opts.manifest);
  const failed = [...manifest.failed];
  const items = manifest.items.filter((i) => {
    if (i.label === undefined) return false;
    if (!cfg.classes.includes(i.label)) {
      failed.push({ file: i.file, reason: `label '${i.label}' is not a class of model ${row.id}` });
      return false;
    }
    return true;
  });
  const feats = await evalFeatures(
    project.dir,
    encoder,
    items.map((i) => i.file),
    [cfg.layer],
    ctl,
  );
  failed.push(...feats.failed);
  const keep = items.map((_, i) => i).filter((i) => feats.feats[cfg.layer][i]);
  const classes = new Set(keep.map((i) => items[i].label));
  if (classes.size < 2)
    throw new Error(
      `${opts.manifest}: recalibration needs labelled images of both ${cfg.classes.join(' and ')}`,
    );
  const m = loadClassifier(cfg, weights);
  let probs: number[][];
  try {
    probs = m.score(keep.map((i) => feats.feats[cfg.layer][i]!));
  } finally {
    m.dispose();
  }
  const pos = cfg.positive;
  const positive = keep.map((i) => items[i].label === cfg.classes[pos]);
  const target = opts.target ?? { specificity: 0.8 };
  const confidence = opts.confidence ?? DEFAULT_RECALIBRATION_CONFIDENCE;
  if (!(confidence >= 0 && confidence < 1))
    throw new Error(`confidence ${confidence} must be at least 0 and below 1 (e.g. 0.95)`);
  const rc = recalibrate(
    probs.map((p) => p[pos]),
    positive,
    target,
    { positive: cfg.classes[pos], negative: cfg.classes[1 - pos] },
    { confidence },
  );
  const unsupported =
    rc.operating && !rc.operating.reached ? unsupportedMessage(opts.manifest, rc, cfg, pos) : null;
  if (unsupported) throw new Error(unsupported);
  const next = recalibratedConfig(cfg, rc);
  const m2 = loadClassifier(next, weights);
  let probs2: number[][];
  try {
    probs2 = m2.score(keep.map((i) => feats.feats[cfg.layer][i]!));
  } finally {
    m2.dispose();
  }
  const site = path.basename(path.dirname(path.resolve(opts.manifest)));
  const metrics = classifierReport(
    probs2,
    keep.map((i) => cfg.classes.indexOf(items[i].label!)),
    cfg.classes,
    keep.map((i) => items[i].source ?? site),
    next.threshold,
  );
  const warnings: EvalWarning[] = [];
  const small = smallNWarning(rc.nPerClass, 'the site labels');
  if (small) warnings.push(small);
  if (rc.a <= 0.25)
    warnings.push({
      code: 'distribution-shift',
      message:
        `on this site the model's scores carry ${rc.a <= 0 ? 'no or reversed' : 'little'} information (fitted slope ${rc.a.toFixed(2)}): ` +
        'recalibration can move the threshold but cannot restore the ranking; label local images and retrain.',
      details: { a: rc.a },
    });
  if (confidence === 0 && !('youden' in target))
    warnings.push({
      code: 'small-n',
      message:
        `the threshold gives exactly ${describeTarget(target)} on these ${rc.n} site labels; on new patients of the site it ` +
        'falls short about half the time. Use a confidence (e.g. 0.95) to leave a margin.',
    });
  const saved = project.saveModel({
    name: opts.name ?? `${row.name} recalibrated to ${site}`,
    kind: 'classify',
    head: row.head,
    encoderId: row.encoderId,
    task: row.task,
    config: {
      ...next,
      recalibration: {
        ...rc,
        fromModelId: row.id,
        manifest: path.resolve(opts.manifest),
        target: describeTarget(target),
        confidence,
      },
    },
    metrics: {
      ...metrics,
      evaluatedOn: 'site labels used for recalibration',
      warnings,
    },
    history: [],
    weights,
  });
  return { modelId: saved.id, fromModelId: row.id, recalibration: rc, metrics, failed, warnings };
}

/** Why the site labels cannot support the target at the confidence asked, with what would. */
function unsupportedMessage(manifest: string, rc: Recalibration, cfg: ClassifierConfig, pos: number): string {
  const op = rc.operating!;
  const spec = 'specificity' in op.target;
  const want = spec
    ? (op.target as { specificity: number }).specificity
    : (op.target as { sensitivity: number }).sensitivity;
  const cls = cfg.classes[spec ? 1 - pos : pos];
  const pct = Math.round(op.confidence * 100);
  const enough = op.nTargetClass >= op.nNeeded;
  return (
    `${manifest}: ${op.nTargetClass} ${cls} image${op.nTargetClass === 1 ? '' : 's'} cannot show ${describeTarget(op.target)} ` +
    `with ${pct} % confidence: the best threshold gives a lower bound of ${op.bound.toFixed(3)}` +
    (enough
      ? `; the model does not separate this site's ${cls} images well enough for ${want}`
      : `; at least ${op.nNeeded} ${cls} images (all on the right side) are needed`) +
    '. Label more images of the site, lower the target, or pass --confidence 0 to fit exactly at the target (not conservative).'
  );
}
