import { suggest } from '../../src/core/active/suggest.ts';
import type { Pool } from '../../src/core/active/types.ts';
import { rng } from '../../src/core/active/vectors.ts';
import { auc } from '../../src/core/stats/metrics.ts';
import { trainProductHead } from './product-head.ts';
import type { SimFeatures, SimImage } from './sim-data.ts';
import { patientSplit } from './sim-data.ts';
import { simSegmentation } from './sim-seg.ts';
import type { Curve, SimConfig, SimResult } from './sim-types.ts';

/** Rows `rows` of a row-major matrix. */
export function gather(x: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    out.set(x.subarray(r * dim, r * dim + dim), i * dim);
  });
  return out;
}

/**
 * Simulates labelling: from a cold-start set, each strategy asks `suggest()` (the product's
 * own code path) for the next batch, an oracle labels it from the manifest, the product's own
 * classification head retrains (`trainLinear`, as `spcxr train` runs it: CV-chosen penalty,
 * temperature), and the held-out patients are scored after every batch.
 */
export async function simulate(
  cfg: SimConfig,
  images: SimImage[],
  feats: SimFeatures,
  log: (line: string) => void = () => {},
  masks?: { masks: Uint8Array; cells: Float32Array; res: number },
): Promise<SimResult> {
  if (cfg.dataset === 'ieee-masks') {
    if (!masks || !feats.patches) throw new Error('al-sim: segmentation needs masks and patch tokens');
    return simSegmentation(cfg, images, feats, masks, log);
  }
  const t0 = performance.now();
  const y = Float32Array.from(images, (im) => (im.label === 'pneumonia' ? 1 : 0));
  const curves = new Map<string, Curve>();
  const passMs: Record<string, number[]> = {};
  let poolSize = 0;
  let testSize = 0;
  for (const seed of cfg.seeds) {
    const split = patientSplit(images, cfg.testFraction, rng(seed * 7919));
    poolSize = split.pool.length;
    testSize = split.test.length;
    const px = gather(feats.pooled, feats.dim, split.pool);
    const ty = split.test.map((i) => y[i]);
    const pool: Pool = {
      ids: split.pool.map(String),
      dim: feats.dim,
      embeddings: px,
      sources: split.pool.map((i) => images[i].source),
    };
    const p3 = feats.pooled3;
    if (!p3) throw new Error('al-sim: classification needs pooled3 features');
    const h3 = 3 * feats.dim;
    const patients = images.map((im) => im.patient);
    const sources = images.map((im) => im.source);
    const cold = suggest({
      pool,
      labelled: new Set(),
      task: 'classify',
      strategy: 'hybrid',
      n: cfg.start,
      seed,
    });
    for (const strategy of cfg.strategies) {
      const labelled = new Set(cold.suggestions.map((s) => s.index));
      const curve = curves.get(strategy) ?? { strategy, labels: [], values: [] };
      curves.set(strategy, curve);
      for (let step = 0; ; step++) {
        const rows = [...labelled].map((r) => split.pool[r]);
        const pos = rows.filter((r) => y[r] === 1).length;
        const model =
          pos > 0 && pos < rows.length && rows.length >= 4
            ? await trainProductHead(p3, h3, rows, y, patients, sources, seed)
            : null;
        const score = model
          ? auc(
              model.score(p3, split.test),
              ty.map((v) => v === 1),
            )
          : 0.5;
        if (curve.labels[step] === undefined) {
          curve.labels[step] = labelled.size;
          curve.values[step] = [];
        }
        curve.values[step].push(score);
        if (labelled.size >= cfg.budget) break;
        let classProbs: { classes: string[]; probs: Float32Array } | undefined;
        if (model) {
          const p1 = model.score(p3, split.pool);
          const probs = new Float32Array(p1.length * 2);
          p1.forEach((p, i) => {
            probs[2 * i] = 1 - p;
            probs[2 * i + 1] = p;
          });
          classProbs = { classes: ['normal', 'pneumonia'], probs };
        }
        const n = Math.min(cfg.batch, cfg.budget - labelled.size);
        const ts = performance.now();
        const res = suggest({
          pool,
          labelled,
          task: 'classify',
          strategy,
          n,
          classProbs,
          seed: seed * 1000 + step,
          hybridSelect: cfg.hybridSelect,
          hybridWarmup: cfg.hybridWarmup,
          hybridPoolFactor: cfg.hybridPoolFactor,
        });
        passMs[strategy] = [...(passMs[strategy] ?? []), performance.now() - ts];
        for (const s of res.suggestions) labelled.add(s.index);
      }
      log(
        `${cfg.dataset} seed ${seed} ${strategy}: AUC ${curve.values.at(-1)!.at(-1)!.toFixed(3)} at ${labelled.size} labels`,
      );
    }
  }
  return {
    config: cfg,
    metric: 'AUC',
    images: images.length,
    pool: poolSize,
    test: testSize,
    encoderId: feats.encoderId,
    curves: [...curves.values()],
    passMs: Object.fromEntries(
      Object.entries(passMs).map(([k, v]) => [k, v.reduce((a, b) => a + b, 0) / v.length]),
    ),
    seconds: (performance.now() - t0) / 1000,
  };
}
