/**
 * Evaluation entry points: a model on an external labelled set (optionally with an HTML report),
 * and the report of a trained classifier on its own held-out images. `spcxr eval` and
 * `spcxr report` (and the worker's report job) are adapters over these; the report file is
 * written here, once.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderReportHtml } from '../eval/report-html.ts';
import type { RunControl } from '../model/types.ts';
import type { ProjectStore } from '../store/types.ts';
import { evaluateManifest } from '../train/evaluate.ts';
import type { EngineOptions, EvaluateOptions } from '../train/types.ts';
import { evaluationReport, trainedModelReport } from './model-report.ts';

/** Scores the set without importing it; with `report`, also writes the self-contained report. */
export async function evaluateExternal(
  store: ProjectStore,
  opts: EvaluateOptions & { report?: string },
  ctl: RunControl = {},
) {
  const { report, ...rest } = opts;
  const r = await evaluateManifest(store, { ...rest, keepImages: !!report || rest.keepImages }, ctl);
  if (!report) return { ...r, report: null };
  const out = path.resolve(report);
  writeFileSync(out, renderReportHtml(await evaluationReport(store, r, rest)), { mode: 0o600 });
  return { ...r, report: out };
}

/** The report of a trained classifier on its validation (or out-of-fold) images, written to `out`. */
export async function reportTrainedModel(
  store: ProjectStore,
  opts: EngineOptions & { modelId?: number; out: string },
  ctl: RunControl = {},
) {
  const { out, ...rest } = opts;
  const data = await trainedModelReport(store, rest, ctl);
  const file = path.resolve(out);
  // Owner-only, like every export: the report lists per-source results and image counts.
  writeFileSync(file, renderReportHtml(data), { mode: 0o600 });
  return { data, out: file };
}
