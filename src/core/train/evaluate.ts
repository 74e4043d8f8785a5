import path from 'node:path';
import { decodeMaskPng } from '../imaging/index.ts';
import { readManifest } from '../import/manifest.ts';
import type { ImportItem } from '../import/types.ts';
import { computeFeatures } from '../model/features.ts';
import { modelInputFromFile } from '../model/input.ts';
import type { RunControl } from '../model/types.ts';
import type { ProjectStore } from '../store/types.ts';
import { initTf } from './backend.ts';
import { type ClassifierConfig, loadClassifier } from './classifier.ts';
import { encoderForModel, openModel } from './predict.ts';
import { classifierReport } from './report.ts';
import { maskMetrics } from './seg-metrics.ts';
import { loadSegmenter, type SegmenterConfig, segReport } from './segment.ts';
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
  const { row, weights } = openModel(project, opts.modelId);
  const encoder = await encoderForModel(project, row, opts);
  const manifest = readManifest(opts.manifest);
  const failed = [...manifest.failed];
  const dataset = path.basename(path.dirname(path.resolve(opts.manifest)));
  const source = (i: ImportItem) => i.source ?? dataset;
  const batch = encoder.batchSize;
  if (row.kind === 'classify') {
    const m = loadClassifier(row.config as unknown as ClassifierConfig, weights);
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
    const probs: number[][] = [];
    const truth: number[] = [];
    const sources: string[] = [];
    try {
      for (let i = 0; i < items.length; i += batch) {
        ctl.signal?.throwIfAborted();
        const part = items.slice(i, i + batch);
        const ok: Array<{ item: ImportItem; x: Float32Array }> = [];
        for (const item of part) {
          try {
            ok.push({ item, x: (await modelInputFromFile(item.file, encoder.card)).data });
          } catch (e) {
            failed.push({ file: item.file, reason: (e as Error).message });
          }
        }
        if (ok.length) {
          const f = await computeFeatures(
            encoder,
            ok.map((o) => o.x),
            [m.config.layer],
          );
          probs.push(...m.score(f[m.config.layer]));
          for (const o of ok) {
            truth.push(classes.indexOf(o.item.label!));
            sources.push(source(o.item));
          }
        }
        ctl.onProgress?.({ phase: 'eval', done: Math.min(items.length, i + batch), total: items.length });
      }
    } finally {
      m.dispose();
    }
    const metrics = classifierReport(probs, truth, classes, sources, m.config.threshold);
    return {
      modelId: row.id,
      kind: 'classify',
      manifest: path.resolve(opts.manifest),
      n: truth.length,
      failed,
      metrics,
    };
  }
  const s = loadSegmenter(row.config as unknown as SegmenterConfig, weights);
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
