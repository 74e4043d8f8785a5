import type { ProgressInfo } from '../../core/model/types.ts';
import { describeEstimate } from '../../core/train/estimate.ts';
import type { ClassifierMetrics, EngineOptions, SegmentMetrics } from '../../core/train/types.ts';
import { metricGlossary } from '../glossary.ts';
import { type CliIO, UsageError } from '../types.ts';

/** Shared flags of train/predict/eval: --encoder DIR, --ep NAME. */
export function engineFlags(flags: Record<string, string | boolean>): EngineOptions {
  const out: EngineOptions = {};
  if (flags.encoder !== undefined) out.encoderDir = str(flags.encoder, 'encoder');
  if (flags.ep !== undefined) {
    const ep = str(flags.ep, 'ep');
    if (!['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'].includes(ep))
      throw new UsageError(`--ep ${ep}: unknown execution provider`);
    out.provider = ep as EngineOptions['provider'];
  }
  return out;
}

export function str(v: string | boolean | undefined, flag: string): string {
  if (typeof v !== 'string') throw new UsageError(`--${flag} needs a value`);
  return v;
}

export function num(v: string | boolean | undefined, flag: string, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(str(v, flag));
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`--${flag} needs a ${integer ? 'non-negative integer' : 'number'}`);
  return n;
}

export function progressTo(io: CliIO): (p: ProgressInfo) => void {
  return (p) => io.progress(p.phase, p.done, p.total);
}

const f3 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));

/** Human-readable metric lines for stdout. */
export function metricLines(m: ClassifierMetrics | SegmentMetrics): string[] {
  if ('dice' in m) {
    const lines = [`n=${m.n}  Dice ${f3(m.dice)}  IoU ${f3(m.iou)}  HD95 ${f3(m.hd95)} px`];
    for (const [s, v] of Object.entries(m.perSource))
      lines.push(`  ${s}: n=${v.n} Dice ${f3(v.dice)} IoU ${f3(v.iou)} HD95 ${f3(v.hd95)}`);
    return [...lines, ...metricGlossary(m)];
  }
  const lines = m.estimate ? [describeEstimate(m.estimate)] : [];
  const where = m.estimate?.method === 'grouped-cv' ? 'out-of-fold' : 'validation';
  lines.push(`${where}: n=${m.n}  accuracy ${f3(m.accuracy)}  ECE ${f3(m.ece)}`);
  if (m.binary) {
    const b = m.binary;
    lines.push(
      `${b.positiveClass}: AUC ${f3(b.auc)} [95% CI ${f3(b.aucCI[0])}–${f3(b.aucCI[1])}]  at threshold ${f3(b.threshold)}: ` +
        `sensitivity ${f3(b.sensitivity)} specificity ${f3(b.specificity)} F1 ${f3(b.f1)}`,
    );
  }
  for (const [c, v] of Object.entries(m.perClass))
    lines.push(`  class ${c}: n=${v.n} AUC ${f3(v.auc)} F1 ${f3(v.f1)}`);
  for (const [s, v] of Object.entries(m.perSource))
    lines.push(
      `  source ${s}: n=${v.n} accuracy ${f3(v.accuracy)}${v.auc !== undefined ? ` AUC ${f3(v.auc)}` : ''}`,
    );
  return [...lines, ...metricGlossary(m)];
}

/** Warnings for stderr-free human output: one paragraph each, prefixed so they stand out. */
export function warningLines(warnings: Array<{ message: string }> | undefined): string[] {
  return (warnings ?? []).map((w) => `WARNING: ${w.message}`);
}

/** --target-sensitivity / --target-specificity as numbers in (0, 1). */
export function targetFlags(flags: Record<string, string | boolean>): {
  targetSensitivity?: number;
  targetSpecificity?: number;
} {
  const out: { targetSensitivity?: number; targetSpecificity?: number } = {};
  for (const [flag, key] of [
    ['target-sensitivity', 'targetSensitivity'],
    ['target-specificity', 'targetSpecificity'],
  ] as const) {
    const v = num(flags[flag], flag);
    if (v === undefined) continue;
    if (!(v > 0 && v < 1)) throw new UsageError(`--${flag} ${v}: give a value between 0 and 1, e.g. 0.9`);
    out[key] = v;
  }
  if (out.targetSensitivity !== undefined && out.targetSpecificity !== undefined)
    throw new UsageError('give --target-sensitivity or --target-specificity, not both');
  return out;
}
