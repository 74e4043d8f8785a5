import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { boundPool } from '../../src/core/active/candidate-pool.ts';
import { canTrain } from '../../src/core/active/serve.ts';
import { suggest } from '../../src/core/active/suggest.ts';
import { needsModel, type Pool, type StrategyName } from '../../src/core/active/types.ts';
import { auc } from '../../src/core/stats/metrics.ts';
import { keptOut } from './holdout.ts';
import { trainProductHead } from './product-head.ts';
import type { SimFeatures, SimImage } from './sim-data.ts';

/** Where the pool comes from and which held-out sets every step is scored on. */
export type ProductSetting = 'mixed' | 'kermany';

export interface ProductData {
  images: SimImage[];
  /** Which set each image came from (the sha1 hold-out rule is per set). */
  set: ('kermany' | 'nih')[];
  /** Distance space of suggestions (pooled final block, what a project's suggest pass reads). */
  pooled: Float32Array;
  pooledDim: number;
  /** The head's input (pooled3). */
  head: Float32Array;
  headDim: number;
}

export function productData(
  sets: { name: 'kermany' | 'nih'; images: SimImage[]; f: SimFeatures }[],
): ProductData {
  const images = sets.flatMap((s) => s.images);
  const pooledDim = sets[0].f.dim;
  const headDim = 3 * pooledDim;
  const pooled = new Float32Array(images.length * pooledDim);
  const head = new Float32Array(images.length * headDim);
  let o = 0;
  for (const s of sets) {
    if (!s.f.pooled3) throw new Error(`al-sim: ${s.name} has no pooled3 features`);
    pooled.set(s.f.pooled, o * pooledDim);
    head.set(s.f.pooled3, o * headDim);
    o += s.images.length;
  }
  return { images, set: sets.flatMap((s) => s.images.map(() => s.name)), pooled, pooledDim, head, headDim };
}

/** Pool rows and the named held-out test sets of a setting. */
export function settingSplit(
  d: ProductData,
  setting: ProductSetting,
): { pool: number[]; tests: Record<string, number[]> } {
  const held = d.images.map((im, i) => keptOut(im.patient, d.set[i]));
  const idx = d.images.map((_, i) => i);
  const kerTest = idx.filter((i) => d.set[i] === 'kermany' && held[i]);
  if (setting === 'mixed') {
    return {
      pool: idx.filter((i) => !held[i]),
      tests: {
        'kermany patients': kerTest,
        'nih patients': idx.filter((i) => d.set[i] === 'nih' && held[i]),
      },
    };
  }
  return {
    pool: idx.filter((i) => d.set[i] === 'kermany' && !held[i]),
    tests: { 'kermany patients': kerTest, 'nih site': idx.filter((i) => d.set[i] === 'nih') },
  };
}

/** One campaign's record: a line of the results file. */
export interface CampaignRecord {
  setting: ProductSetting;
  strategy: StrategyName;
  seed: number;
  labels: number[];
  /** AUC per test set at each label count. */
  auc: Record<string, number[]>;
  /** Fraction of pneumonia among the labels so far, per step. */
  positive: number[];
  /** The penalty the product's CV chose, per step (null: no model could be trained). */
  lambda: (number | null)[];
  /** The product's own out-of-fold estimate, per step. */
  estimate: (number | null)[];
  seconds: number;
}

export interface CampaignConfig {
  setting: ProductSetting;
  start: number;
  batch: number;
  budget: number;
}

/**
 * One labelling campaign as a user runs it: suggest (bounded pool and all, like a project's
 * suggest pass), label from the manifest, `train` the product head, score the held-out sets.
 */
export async function campaign(
  d: ProductData,
  cfg: CampaignConfig,
  strategy: StrategyName,
  seed: number,
): Promise<CampaignRecord> {
  const t0 = performance.now();
  const { pool: rows, tests } = settingSplit(d, cfg.setting);
  const y = Int32Array.from(d.images, (im) => (im.label === 'pneumonia' ? 1 : 0));
  const patients = d.images.map((im) => im.patient);
  const sources = d.images.map((im) => im.source);
  const pooled = new Float32Array(rows.length * d.pooledDim);
  rows.forEach((r, i) => {
    pooled.set(d.pooled.subarray(r * d.pooledDim, (r + 1) * d.pooledDim), i * d.pooledDim);
  });
  const pool: Pool = {
    ids: rows.map(String),
    dim: d.pooledDim,
    embeddings: pooled,
    sources: rows.map((r) => sources[r]),
  };
  const rec: CampaignRecord = {
    setting: cfg.setting,
    strategy,
    seed,
    labels: [],
    auc: Object.fromEntries(Object.keys(tests).map((k) => [k, []])),
    positive: [],
    lambda: [],
    estimate: [],
    seconds: 0,
  };
  const labelled = new Set<number>();
  for (let step = 0; ; step++) {
    let classProbs: { classes: string[]; probs: Float32Array } | undefined;
    if (labelled.size > 0) {
      const lab = [...labelled].map((i) => rows[i]);
      const pos = lab.filter((r) => y[r] === 1).length;
      const ok = canTrain({ normal: lab.length - pos, pneumonia: pos });
      const head = ok ? await trainProductHead(d.head, d.headDim, lab, y, patients, sources, seed) : null;
      rec.labels.push(labelled.size);
      rec.positive.push(pos / lab.length);
      rec.lambda.push(head?.lambda ?? null);
      rec.estimate.push(head?.estimate ?? null);
      for (const [name, t] of Object.entries(tests)) {
        const a = head
          ? auc(
              head.score(d.head, t),
              t.map((r) => y[r] === 1),
            )
          : 0.5;
        rec.auc[name].push(a);
      }
      if (labelled.size >= cfg.budget) break;
      if (head && needsModel(strategy)) {
        const p1 = head.score(d.head, rows);
        const probs = new Float32Array(p1.length * 2);
        p1.forEach((p, i) => {
          probs[2 * i] = 1 - p;
          probs[2 * i + 1] = p;
        });
        classProbs = { classes: ['normal', 'pneumonia'], probs };
      }
    }
    const n = labelled.size === 0 ? cfg.start : Math.min(cfg.batch, cfg.budget - labelled.size);
    const s = seed * 1000 + step;
    const effective = needsModel(strategy) && !classProbs ? 'coldstart' : strategy;
    const bounded = boundPool(effective, { pool, labelled, classProbs }, s);
    const res = suggest({
      pool: bounded.pool,
      labelled: bounded.labelled,
      task: 'classify',
      strategy,
      n,
      classProbs: bounded.classProbs,
      seed: s,
    });
    for (const x of res.suggestions) labelled.add(bounded.index[x.index]);
  }
  rec.seconds = (performance.now() - t0) / 1000;
  return rec;
}

export function readRecords(file: string): CampaignRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CampaignRecord);
}

export function appendRecord(file: string, r: CampaignRecord): void {
  appendFileSync(file, `${JSON.stringify(r)}\n`);
}
