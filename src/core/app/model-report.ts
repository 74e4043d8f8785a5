import { modelContext } from '../eval/model-checks.ts';
import { smallNWarning } from '../eval/small-n.ts';
import type { CvEstimate, ReportData } from '../eval/types.ts';
import { ensureFeatures, readFeatures } from '../model/features.ts';
import type { RunControl } from '../model/types.ts';
import type { ProjectStore } from '../store/types.ts';
import { initTf } from '../train/backend.ts';
import { loadClassifier } from '../train/classifier.ts';
import { projectInputLoader } from '../train/engine.ts';
import { classifierConfig } from '../train/model-config.ts';
import { encoderForModel, openModel } from '../train/predict.ts';
import { classifierReport } from '../train/report.ts';
import type { ClassifierMetrics, EngineOptions, EvalReport } from '../train/types.ts';
import { buildReportData } from './report-data.ts';

/** Settings key under which the worker records a model's validation ids (older models). */
const MODEL_VAL_SETTING = (id: number) => `api.modelVal.${id}`;

/**
 * The report of a trained classifier on its own held-out images: the validation images recorded
 * at training, scored now from the feature cache against their current labels, with the
 * cross-validated estimate when training stored one, and the training data's shortcut checks.
 */
export async function trainedModelReport(
  project: ProjectStore,
  opts: EngineOptions & { modelId?: number },
  ctl: RunControl = {},
): Promise<ReportData> {
  await initTf();
  const { row, weights } = openModel(project, opts.modelId);
  if (row.kind !== 'classify')
    throw new Error(`model ${row.id} is a ${row.kind} model; reports cover classifiers`);
  const encoder = await encoderForModel(project, row, opts);
  const cfg = classifierConfig(row);
  const ctx = await modelContext(project, encoder, row, ctl);
  const valIds = cfg.valImageIds?.length
    ? cfg.valImageIds
    : (project.getSetting<number[]>(MODEL_VAL_SETTING(row.id)) ?? []);
  const byId = new Map(ctx.training.images.map((i) => [i.id, i]));
  const oof = cfg.outOfFold;
  let val: typeof ctx.training.images;
  let probs: number[][];
  let evaluatedOn: string;
  if (oof?.imageIds.length) {
    // Cross-validated: every image was scored by a model that never saw its patient.
    const keep = oof.imageIds.map((id, i) => [byId.get(id), oof.probs[i]] as const).filter(([im]) => !!im);
    val = keep.map(([im]) => im!);
    probs = keep.map(([, p]) => p);
    evaluatedOn = `out-of-fold predictions of patient-grouped cross-validation (${val.length} images)`;
  } else {
    val = valIds.map((id) => byId.get(id)).filter((i): i is NonNullable<typeof i> => !!i);
    if (!val.length)
      throw new Error(
        `model ${row.id}: no recorded validation images with a current label; evaluate it with 'spcxr eval --manifest'`,
      );
    await ensureFeatures(
      project,
      encoder,
      val.map((i) => i.id),
      projectInputLoader(project, encoder),
      [cfg.layer],
      [0],
      ctl,
    );
    const m = loadClassifier(cfg, weights);
    try {
      probs = m.score(
        readFeatures(
          project,
          encoder.id,
          val.map((i) => i.id),
          cfg.layer,
        ),
      );
    } finally {
      m.dispose();
    }
    evaluatedOn = `the validation split recorded at training (${val.length} images, held out by patient)`;
  }
  const truth = val.map((i) => cfg.classes.indexOf(i.label));
  const metrics = classifierReport(
    probs,
    truth,
    cfg.classes,
    val.map((i) => i.source),
    cfg.threshold,
  );
  const nPerClass = Object.fromEntries(cfg.classes.map((c, k) => [c, truth.filter((t) => t === k).length]));
  const estimate = (row.metrics as { estimate?: CvEstimate }).estimate;
  const warnings = [...ctx.confounding.warnings];
  const small = smallNWarning(nPerClass, 'the validation split');
  if (small) warnings.push(small);
  return buildReportData({
    title: `Model report: ${row.name}`,
    evaluatedOn,
    row,
    encoder: { id: encoder.id, card: encoder.card as unknown as { name: string } & Record<string, unknown> },
    probs,
    truth,
    metrics,
    failed: 0,
    confounding: ctx.confounding,
    estimate,
    warnings,
  });
}

/** Report data of an external evaluation (`evaluateManifest` with `keepImages`). */
export async function evaluationReport(
  project: ProjectStore,
  r: EvalReport,
  opts: EngineOptions = {},
): Promise<ReportData> {
  if (r.kind !== 'classify' || !r.images || !r.checks)
    throw new Error('reports cover classifier evaluations');
  const { row } = openModel(project, r.modelId);
  const encoder = await encoderForModel(project, row, opts);
  const cfg = classifierConfig(row);
  return buildReportData({
    title: `Evaluation report: ${row.name}`,
    evaluatedOn: `${r.manifest} (${r.n} images)`,
    row,
    encoder: { id: encoder.id, card: encoder.card as unknown as { name: string } & Record<string, unknown> },
    probs: r.images.map((i) => i.probs),
    truth: r.images.map((i) => cfg.classes.indexOf(i.label)),
    metrics: r.metrics as ClassifierMetrics,
    failed: r.failed.length,
    checks: r.checks,
    estimate: r.estimate,
    warnings: r.warnings ?? [],
  });
}
