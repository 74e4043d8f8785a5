import { groupedFolds } from '../stats/folds.ts';
import { fitLogReg, predictLogReg, standardizer } from '../stats/logreg.ts';
import { auc } from '../stats/metrics.ts';
import { mulberry32 } from '../util/rng.ts';
import type { SourceProbeResult } from './types.ts';

const PROJ_DIM = 64;

/** Seeded Gaussian projection of standardised rows to `out` dims (Johnson–Lindenstrauss). */
function project(x: Float32Array, dim: number, out: number, seed: number): Float32Array {
  const n = x.length / dim;
  const { mean, inv } = standardizer(x, dim);
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const r = Float64Array.from({ length: dim * out }, () => gauss() / Math.sqrt(out));
  const y = new Float32Array(n * out);
  const z = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) z[j] = (x[i * dim + j] - mean[j]) * inv[j];
    for (let o = 0; o < out; o++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += z[j] * r[j * out + o];
      y[i * out + o] = s;
    }
  }
  return y;
}

/**
 * Can the encoder features tell the sources apart? For every source with at least 5 images, a
 * one-vs-rest L2 logistic regression on a 64-dim random projection of the standardised features,
 * scored out-of-fold over patient-grouped folds; the result is the image-weighted mean AUC. High
 * values are not a problem alone; with labels that depend on the source they are a shortcut.
 */
export function sourceProbe(
  x: Float32Array,
  dim: number,
  sources: string[],
  groups: string[],
  opts: { folds?: number; seed?: number } = {},
): SourceProbeResult | undefined {
  const names = [...new Set(sources)].filter((s) => sources.filter((v) => v === s).length >= 5).sort();
  if (new Set(sources).size < 2) return undefined;
  const k = Math.min(opts.folds ?? 5, new Set(groups).size);
  if (k < 2 || !names.length) return undefined;
  const seed = opts.seed ?? 0;
  const p = project(x, dim, Math.min(PROJ_DIM, dim), seed);
  const d = Math.min(PROJ_DIM, dim);
  // Stratified by source, so every fold holds each source the probe must tell apart.
  const index = new Map([...new Set(sources)].sort().map((s, i) => [s, i]));
  const fold = groupedFolds(
    groups.map((group, i) => ({ group, label: index.get(sources[i])! })),
    k,
    seed,
  );
  const perSource: Record<string, number> = {};
  let weighted = 0;
  let weight = 0;
  const targets = new Set(sources).size === 2 ? names.slice(0, 1) : names;
  for (const s of targets) {
    const y = Float64Array.from(sources, (v) => (v === s ? 1 : 0));
    const oof = new Float64Array(sources.length);
    for (let f = 0; f < k; f++) {
      const tr: number[] = [];
      const te: number[] = [];
      for (let i = 0; i < sources.length; i++) (fold[i] === f ? te : tr).push(i);
      if (!te.length) continue;
      const std = standardizer(
        Float32Array.from(tr.flatMap((i) => Array.from(p.subarray(i * d, (i + 1) * d)))),
        d,
      );
      const m = fitLogReg(
        p,
        d,
        tr,
        Float64Array.from(tr, (i) => y[i]),
        std,
        1,
      );
      const xt = new Float32Array(te.length * d);
      te.forEach((i, j) => {
        xt.set(p.subarray(i * d, (i + 1) * d), j * d);
      });
      const pr = predictLogReg(m, xt);
      te.forEach((i, j) => {
        oof[i] = pr[j];
      });
    }
    const a = auc(oof, y);
    perSource[s] = a;
    const w = y.reduce((acc, v) => acc + v, 0);
    weighted += a * w;
    weight += w;
  }
  return { auc: weight ? weighted / weight : Number.NaN, perSource, folds: k, n: sources.length };
}
