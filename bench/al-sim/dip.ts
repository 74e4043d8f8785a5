/**
 * Why early labels hurt: the product's cold start (quota k-means, 20 labels) on the Kermany pool,
 * then random batches of 10, as the real-product run did. At each count the product's CV
 * (cv-linear.ts) scores every penalty; the head is refitted at the penalty each rule chooses
 * (argmax of CV AUC, the one-standard-error rule, a fixed strong penalty, and the oracle: the
 * best on the test set), and scored on held-out Kermany patients and on NIH (another site).
 *
 *   npx tsx bench/al-sim/dip.ts [--seeds 20] [--counts 20,30,40,50,60,80,100]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { suggest } from '../../src/core/active/suggest.ts';
import { rng } from '../../src/core/active/vectors.ts';
import { groupsPerClass } from '../../src/core/stats/folds.ts';
import { auc } from '../../src/core/stats/metrics.ts';
import { crossValidate, LAMBDAS } from '../../src/core/train/cv-linear.ts';
import { design, fitExact, linearLogits } from '../../src/core/train/exact-linear.ts';
import { cvRepeats } from '../../src/core/train/linear-train.ts';
import { productData, settingSplit } from './product-sim.ts';
import { loadSimDataset, simFeatures } from './sim-data.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values: a } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    counts: { type: 'string', default: '20,30,40,50,60,80,100' },
    out: { type: 'string', default: 'runs/al-sim/dip.md' },
  },
});
const counts = a.counts!.split(',').map(Number);
const sets = [];
for (const name of ['kermany', 'nih'] as const) {
  const images = loadSimDataset(path.join(ROOT, '../shared/data/cxr'), name);
  sets.push({
    name,
    images,
    f: await simFeatures(
      images,
      name,
      path.join(ROOT, 'resources/models/spcxr-vit-tiny'),
      path.join(ROOT, 'runs/al-sim'),
      false,
    ),
  });
}
const d = productData(sets);
const { pool: rows, tests } = settingSplit(d, 'kermany');
const y = Int32Array.from(d.images, (im) => (im.label === 'pneumonia' ? 1 : 0));
const emb = new Float32Array(rows.length * d.pooledDim);
rows.forEach((r, i) => {
  emb.set(d.pooled.subarray(r * d.pooledDim, (r + 1) * d.pooledDim), i * d.pooledDim);
});

/** Hanley–McNeil standard error of an AUC with n1 positives and n2 negatives. */
function hmSe(a: number, n1: number, n2: number): number {
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  return Math.sqrt(
    Math.max(0, (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n2 - 1) * (q2 - a * a)) / (n1 * n2)),
  );
}

type Row = { share: number; lam: Record<string, number>; auc: Record<string, Record<string, number>> };
const out = new Map<number, Row[]>();
for (let seed = 1; seed <= Number(a.seeds); seed++) {
  const cold = suggest({
    pool: {
      ids: rows.map(String),
      dim: d.pooledDim,
      embeddings: emb,
      sources: rows.map((r) => d.images[r].source),
    },
    labelled: new Set(),
    task: 'classify',
    strategy: 'random',
    n: counts[0],
    seed,
  });
  const order = cold.suggestions.map((s) => rows[s.index]);
  const rest = rows.filter((r) => !order.includes(r));
  const rand = rng(seed * 31);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  order.push(...rest);
  for (const n of counts) {
    const lab = order.slice(0, n);
    const items = lab.map((r, k) => ({ id: k, group: `p:${d.images[r].patient}`, label: y[r] }));
    const kMin = Math.min(...[0, 1].map((c) => groupsPerClass(items).get(c) ?? 0));
    if (kMin < 2) continue;
    const D = d.headDim;
    const all = [...lab, ...Object.values(tests).flat()];
    // Standardised on the labelled rows (as trainLinear does) or on the whole unlabelled pool.
    const designBy = (ref: readonly number[]) => {
      const mean = new Float64Array(D);
      const sq = new Float64Array(D);
      for (const r of ref) for (let j = 0; j < D; j++) mean[j] += d.head[r * D + j] / ref.length;
      for (const r of ref)
        for (let j = 0; j < D; j++) sq[j] += (d.head[r * D + j] - mean[j]) ** 2 / ref.length;
      const sd = Float64Array.from(sq, (v) => Math.max(Math.sqrt(v), 1e-3));
      const z = new Float32Array(all.length * D);
      all.forEach((r, i) => {
        for (let j = 0; j < D; j++) z[i * D + j] = (d.head[r * D + j] - mean[j]) / sd[j];
      });
      return z;
    };
    const z = designBy(lab);
    const x = design(z, all.length, D);
    const cvOf = (zz: Float32Array) =>
      crossValidate(design(zz.subarray(0, n * D), n, D), items, 2, {
        folds: Math.min(5, kMin),
        repeats: cvRepeats(n),
        seed,
      });
    const cv = await cvOf(z);
    const zp = designBy(rows);
    const cvp = await cvOf(zp);
    const n1 = lab.filter((r) => y[r] === 1).length;
    const best = Math.max(...cv.scores);
    const se = hmSe(best, n1, n - n1);
    const oneSe = LAMBDAS.find((_, i) => cv.scores[i] >= best - se)!;
    const labels = Int32Array.from(all, (r) => y[r]);
    const idx = lab.map((_, i) => i);
    const testAuc = (lam: number, xx = x) => {
      const m = fitExact(xx, idx, labels, 2, lam);
      const res: Record<string, number> = {};
      let o = n;
      for (const [name, t] of Object.entries(tests)) {
        const rr = t.map((_, i) => o + i);
        const lg = linearLogits(xx, rr, m);
        res[name] = auc(
          rr.map((_, i) => lg[2 * i + 1] - lg[2 * i]),
          t.map((r) => y[r] === 1),
        );
        o += t.length;
      }
      return res;
    };
    const byLam = new Map(LAMBDAS.map((l) => [l, testAuc(l)]));
    const key = Object.keys(tests)[0];
    const oracle = LAMBDAS.reduce((b, l) => (byLam.get(l)![key] > byLam.get(b)![key] ? l : b), LAMBDAS[0]);
    const rowOut: Row = {
      share: n1 / n,
      lam: { argmax: cv.lambda, oneSe, fixed: 1000, oracle, pool: cvp.lambda },
      auc: {
        argmax: byLam.get(cv.lambda)!,
        oneSe: byLam.get(oneSe)!,
        fixed: byLam.get(1000)!,
        oracle: byLam.get(oracle)!,
        pool: testAuc(cvp.lambda, design(zp, all.length, D)),
      },
    };
    out.set(n, [...(out.get(n) ?? []), rowOut]);
  }
  process.stderr.write(`seed ${seed} done\n`);
  // The table so far after every seed, so that a stopped run still leaves its evidence.
  writeFileSync(a.out!, `${table()}\n`);
}
function mean(v: number[]): number {
  return v.reduce((s, x) => s + x, 0) / v.length;
}
function med(v: number[]): number {
  return [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
}
function table(): string {
  const names = Object.keys(tests);
  const lines: string[] = [];
  lines.push(
    `| labels | seeds | pneumonia share | median λ: CV argmax / 1-SE / oracle | ${names.map((t) => `${t}: argmax / 1-SE / λ=1000 / oracle / pool-standardised`).join(' | ')} |`,
  );
  lines.push(`|---|---|---|---|${names.map(() => '---').join('|')}|`);
  for (const n of counts) {
    const rs = out.get(n) ?? [];
    if (!rs.length) continue;
    const cell = (t: string) =>
      ['argmax', 'oneSe', 'fixed', 'oracle', 'pool']
        .map((k) => {
          const v = rs.map((r) => r.auc[k][t]);
          return k === 'argmax'
            ? `${mean(v).toFixed(3)} (min ${Math.min(...v).toFixed(2)})`
            : mean(v).toFixed(3);
        })
        .join(' / ');
    lines.push(
      `| ${n} | ${rs.length} | ${Math.round(100 * mean(rs.map((r) => r.share)))} % | ${['argmax', 'oneSe', 'oracle'].map((k) => med(rs.map((r) => r.lam[k]))).join(' / ')} | ${names.map(cell).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}
