import { suggest } from '../../src/core/active/suggest.ts';
import type { MaskStats, Pool } from '../../src/core/active/types.ts';
import { maskStats } from '../../src/core/active/uncertainty.ts';
import { rng } from '../../src/core/active/vectors.ts';
import { cholSolve } from '../../src/core/stats/logreg.ts';
import type { SimFeatures, SimImage } from './sim-data.ts';
import { patientSplit } from './sim-data.ts';
import type { Curve, SimConfig, SimResult } from './sim-types.ts';

/** Bilinear upsampling of a g×g map (cell centres) to res×res. */
export function upsample(cells: Float32Array, g: number, res: number): Float32Array {
  const out = new Float32Array(res * res);
  for (let y = 0; y < res; y++) {
    const fy = Math.min(g - 1, Math.max(0, ((y + 0.5) * g) / res - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(g - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < res; x++) {
      const fx = Math.min(g - 1, Math.max(0, ((x + 0.5) * g) / res - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(g - 1, x0 + 1);
      const wx = fx - x0;
      out[y * res + x] =
        (1 - wy) * ((1 - wx) * cells[y0 * g + x0] + wx * cells[y0 * g + x1]) +
        wy * ((1 - wx) * cells[y1 * g + x0] + wx * cells[y1 * g + x1]);
    }
  }
  return out;
}

export function dice(prob: Float32Array, mask: Uint8Array, off: number): number {
  let inter = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i] >= 0.5 ? 1 : 0;
    const m = mask[off + i];
    inter += p & m;
    a += p;
    b += m;
  }
  return a + b === 0 ? 1 : (2 * inter) / (a + b);
}

/**
 * Segmentation variant of the simulation. The head is a ridge probe from each patch token (plus
 * a bias per grid cell) to the lung fraction of its patch, upsampled bilinearly: per-image
 * normal equations are summed, so a refit after each batch is one D² solve.
 */
export function simSegmentation(
  cfg: SimConfig,
  images: SimImage[],
  feats: SimFeatures,
  m: { masks: Uint8Array; cells: Float32Array; res: number },
  log: (line: string) => void,
): SimResult {
  const t0 = performance.now();
  const g = feats.grid;
  const cellsPer = g * g;
  const D = feats.tokenDim;
  const d = D + 1;
  const tokens = feats.patches!;
  const grams = images.map((_, i) => gram(tokens, i * cellsPer * D, cellsPer, D, m.cells, i * cellsPer));
  const predict = (w: Float64Array, bias: Float64Array, i: number): Float32Array => {
    const cells = new Float32Array(cellsPer);
    for (let c = 0; c < cellsPer; c++) {
      const o = (i * cellsPer + c) * D;
      let s = bias[c];
      for (let j = 0; j < D; j++) s += tokens[o + j] * w[j];
      cells[c] = Math.min(0.999, Math.max(0.001, s));
    }
    return upsample(cells, g, m.res);
  };
  /**
   * Ridge on tokens with an unpenalised bias per grid cell (a learned mean mask), solved on
   * per-cell centred normal equations: A = Σ t tᵀ − Σ_c S_c S_cᵀ / n, b = Σ t y − Σ_c S_c Y_c / n.
   */
  const fitCells = (imgs: number[]): { w: Float64Array; bias: Float64Array } => {
    const a = new Float64Array(D * D);
    const b = new Float64Array(D);
    const S = new Float64Array(cellsPer * D);
    const Y = new Float64Array(cellsPer);
    for (const i of imgs) {
      const gr = grams[i];
      for (let j = 0; j < D; j++) {
        for (let k = 0; k < D; k++) a[j * D + k] += gr.a[j * d + k];
        b[j] += gr.b[j];
      }
      for (let c = 0; c < cellsPer; c++) {
        Y[c] += m.cells[i * cellsPer + c];
        const o = (i * cellsPer + c) * D;
        for (let j = 0; j < D; j++) S[c * D + j] += tokens[o + j];
      }
    }
    const n = imgs.length;
    for (let c = 0; c < cellsPer; c++) {
      const o = c * D;
      for (let j = 0; j < D; j++) {
        const sj = S[o + j] / n;
        b[j] -= sj * Y[c];
        for (let k = 0; k < D; k++) a[j * D + k] -= sj * S[o + k];
      }
    }
    for (let j = 0; j < D; j++) a[j * D + j] += cfg.lambda;
    const w = cholSolve(a, b, D);
    const bias = new Float64Array(cellsPer);
    for (let c = 0; c < cellsPer; c++) {
      let s = Y[c];
      for (let j = 0; j < D; j++) s -= S[c * D + j] * w[j];
      bias[c] = s / n;
    }
    return { w, bias };
  };
  const curves = new Map<string, Curve>();
  const passMs: Record<string, number[]> = {};
  let split = { pool: [] as number[], test: [] as number[] };
  for (const seed of cfg.seeds) {
    split = patientSplit(images, cfg.testFraction, rng(seed * 7919));
    const pool: Pool = {
      ids: split.pool.map(String),
      dim: feats.dim,
      embeddings: gatherRows(feats.pooled, feats.dim, split.pool),
      sources: split.pool.map((i) => images[i].source),
    };
    const cold = suggest({
      pool,
      labelled: new Set(),
      task: 'segment',
      strategy: 'hybrid',
      n: cfg.start,
      seed,
    });
    for (const strategy of cfg.strategies) {
      const labelled = new Set(cold.suggestions.map((s) => s.index));
      const curve = curves.get(strategy) ?? { strategy, labels: [], values: [] };
      curves.set(strategy, curve);
      for (let step = 0; ; step++) {
        const { w, bias } = fitCells([...labelled].map((r) => split.pool[r]));
        const score =
          split.test.reduce((s, i) => s + dice(predict(w, bias, i), m.masks, i * m.res * m.res), 0) /
          split.test.length;
        if (curve.labels[step] === undefined) {
          curve.labels[step] = labelled.size;
          curve.values[step] = [];
        }
        curve.values[step].push(score);
        if (labelled.size >= cfg.budget || labelled.size >= split.pool.length) break;
        const stats: (MaskStats | null)[] = split.pool.map((i, r) =>
          labelled.has(r) ? null : maskStats(predict(w, bias, i), m.res, m.res),
        );
        const n = Math.min(cfg.batch, cfg.budget - labelled.size);
        const ts = performance.now();
        const res = suggest({
          pool,
          labelled,
          task: 'segment',
          strategy,
          n,
          maskStats: stats,
          seed: seed * 1000 + step,
          hybridSelect: cfg.hybridSelect,
          hybridWarmup: cfg.hybridWarmup,
          hybridPoolFactor: cfg.hybridPoolFactor,
        });
        passMs[strategy] = [...(passMs[strategy] ?? []), performance.now() - ts];
        for (const s of res.suggestions) labelled.add(s.index);
      }
      log(
        `${cfg.dataset} seed ${seed} ${strategy}: Dice ${curve.values.at(-1)!.at(-1)!.toFixed(3)} at ${labelled.size} masks`,
      );
    }
  }
  return {
    config: cfg,
    metric: 'Dice',
    images: images.length,
    pool: split.pool.length,
    test: split.test.length,
    encoderId: feats.encoderId,
    curves: [...curves.values()],
    passMs: Object.fromEntries(
      Object.entries(passMs).map(([k, v]) => [k, v.reduce((x, y) => x + y, 0) / v.length]),
    ),
    seconds: (performance.now() - t0) / 1000,
  };
}

export function gatherRows(x: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    out.set(x.subarray(r * dim, r * dim + dim), i * dim);
  });
  return out;
}

/** Normal equations [t,1]ᵀ[t,1] and [t,1]ᵀy of one image's patch tokens. */
function gram(
  t: Float32Array,
  off: number,
  rows: number,
  D: number,
  y: Float32Array,
  yOff: number,
): { a: Float64Array; b: Float64Array } {
  const d = D + 1;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < D; j++) z[j] = t[off + r * D + j];
    z[D] = 1;
    const yr = y[yOff + r];
    for (let j = 0; j < d; j++) {
      b[j] += z[j] * yr;
      const zj = z[j];
      for (let k = 0; k <= j; k++) a[j * d + k] += zj * z[k];
    }
  }
  for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) a[k * d + j] = a[j * d + k];
  return { a, b };
}
