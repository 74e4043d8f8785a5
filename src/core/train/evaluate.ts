import path from 'node:path';
import { evalChecks } from '../eval/eval-checks.ts';
import { evalFeatures } from '../eval/feature-cache.ts';
import { modelContext } from '../eval/model-checks.ts';
import { targetFrom } from '../eval/operating.ts';
import { finalPooled } from '../eval/training-set.ts';
import type { CvEstimate, EvalImage } from '../eval/types.ts';
import { decodeMaskPng } from '../imaging/index.ts';
import { readManifest } from '../import/manifest.ts';
import type { ImportItem } from '../import/types.ts';
import type { RunControl } from '../model/types.ts';
import { stack } from '../stats/matrix.ts';
import type { ProjectStore } from '../store/types.ts';
import { initTf } from './backend.ts';
import { loadClassifier } from './classifier.ts';
import { classifierConfig, segmenterConfig } from './model-config.ts';
import { encoderForModel, openModel } from './predict.ts';
import { classifierReport } from './report.ts';
import { maskMetrics } from './seg-metrics.ts';
import { loadSegmenter, segReport } from './segment.ts';
import type { EvalReport, EvaluateOptions } from './types.ts';

/**
 * Evaluates a model on an external labelled set given as an import-style manifest, without
 * importing it (drift: train on one site, evaluate on another). Rows whose image or label
 * cannot be used are listed in `failed` with the reason; the rest are scored.
 */
export async function evaluateManifest(
  project: ProjectStore,
  opts: EvaluateOptions,
  ctl: RunControl = {},
): Promise<EvalReport> {
  await initTf();
  const manifest = readManifest(opts.manifest);
  // Unnamed: the active classifier, or the active segmenter for a manifest of masks only.
  const kind =
    manifest.items.some((i) => i.label !== undefined) || !manifest.items.some((i) => i.mask)
      ? 'classify'
      : 'segment';
  const { row, weights } = openModel(project, opts.modelId, kind);
  const encoder = await encoderForModel(project, row, opts);
  const failed = [...manifest.failed];
  const dataset = path.basename(path.dirname(path.resolve(opts.manifest)));
  const source = (i: ImportItem) => i.source ?? dataset;
  const batch = encoder.batchSize;
  if (row.kind === 'classify') {
    const m = loadClassifier(classifierConfig(row), weights);
    const classes = m.config.classes;
    const items = manifest.items.filter((i) => {
      if (i.label === undefined) return false;
      if (!classes.includes(i.label)) {
        failed.push({
          file: i.file,
          reason: `label '${i.label}' is not a class of model ${row.id} (${classes.join(', ')})`,
        });
        return false;
      }
      return true;
    });
    if (!items.length) throw new Error(`${opts.manifest}: no rows with a label among ${classes.join(', ')}`);
    const ctx = await modelContext(project, encoder, row, ctl);
    const layers = [...new Set([m.config.layer, ctx.layer])];
    const feats = await evalFeatures(
      project.dir,
      encoder,
      items.map((i) => i.file),
      layers,
      ctl,
    );
    failed.push(...feats.failed);
    const keep = items.map((_, i) => i).filter((i) => feats.sha256[i] !== undefined);
    const images: EvalImage[] = [];
    try {
      const CHUNK = 1000;
      for (let s = 0; s < keep.length; s += CHUNK) {
        const part = keep.slice(s, s + CHUNK);
        const probs = m.score(part.map((i) => feats.feats[m.config.layer][i]!));
        part.forEach((i, j) => {
          images.push({
            file: items[i].file,
            sha256: feats.sha256[i]!,
            label: items[i].label!,
            source: source(items[i]),
            patientId: items[i].patientId,
            probs: probs[j],
          });
        });
      }
    } finally {
      m.dispose();
    }
    const probs = images.map((i) => i.probs);
    const truth = images.map((i) => classes.indexOf(i.label));
    const sources = images.map((i) => i.source);
    const rows = keep.map((i) => finalPooled(feats.feats[ctx.layer][i]!.data, ctx.layer));
    const pooled = rows.length ? { x: stack(rows, rows[0].length), dim: rows[0].length } : undefined;
    const checks = evalChecks(ctx, images, pooled, classes, {
      target: targetFrom(opts),
      features: { computed: feats.computed, cached: feats.cached },
    });
    const metrics = classifierReport(probs, truth, classes, sources, m.config.threshold);
    return {
      modelId: row.id,
      kind: 'classify',
      manifest: path.resolve(opts.manifest),
      n: truth.length,
      failed,
      metrics,
      warnings: checks.warnings,
      checks,
      estimate: (row.metrics as { estimate?: CvEstimate }).estimate,
      ...(opts.keepImages ? { images } : {}),
    };
  }
  const s = loadSegmenter(segmenterConfig(row), weights);
  const items = manifest.items.filter((i) => i.mask);
  if (!items.length) throw new Error(`${opts.manifest}: no rows with a mask`);
  const per: Array<{ file: string; source: string; dice: number; iou: number; hd95: number }> = [];
  try {
    for (let i = 0; i < items.length; i += batch) {
      ctl.signal?.throwIfAborted();
      for (const item of items.slice(i, i + batch)) {
        try {
          const [pred] = await s.predictFiles(encoder, [item.file]);
          const truth = await decodeMaskPng(item.mask!);
          if (truth.width !== pred.width || truth.height !== pred.height) {
            throw new Error(
              `mask ${item.mask} is ${truth.width}×${truth.height}, image is ${pred.width}×${pred.height}`,
            );
          }
          per.push({
            file: item.file,
            source: source(item),
            ...maskMetrics(pred.mask, truth.data, pred.width, pred.height),
          });
        } catch (e) {
          failed.push({ file: item.file, reason: (e as Error).message });
        }
      }
      ctl.onProgress?.({ phase: 'eval', done: Math.min(items.length, i + batch), total: items.length });
    }
  } finally {
    s.dispose();
  }
  return {
    modelId: row.id,
    kind: 'segment',
    manifest: path.resolve(opts.manifest),
    n: per.length,
    failed,
    metrics: segReport(per),
  };
}
