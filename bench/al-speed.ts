/**
 * Suggestion-pass speed on 5,000 cached real embeddings (Kermany, encoded once and cached under
 * runs/al-sim). Goal: ≤ 1 s per full pass on this machine. Peer: a naive k-center that recomputes
 * every candidate's distance to all chosen points for each pick (what a direct implementation does).
 *
 *   npx tsx bench/al-speed.ts [--encoder DIR]
 */
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { suggest } from '../src/core/active/suggest.ts';
import type { ClassProbs, Pool, StrategyName } from '../src/core/active/types.ts';
import { centerNormalize, sqDist } from '../src/core/active/vectors.ts';
import { resolveEncoderDir } from '../src/core/model/resolve.ts';
import { fitLogReg, predictLogReg, standardizer } from '../src/core/stats/logreg.ts';
import { loadSimDataset, simFeatures } from './al-sim/sim-data.ts';

const root = path.resolve(import.meta.dirname, '..');
const arg = process.argv.indexOf('--encoder');
const encoderDir = resolveEncoderDir(arg > 0 ? process.argv[arg + 1] : undefined);
const N = 5000;
const images = loadSimDataset(path.join(root, '../shared/data/cxr'), 'kermany');
const feats = await simFeatures(
  images,
  'kermany',
  encoderDir,
  path.join(root, 'runs/al-sim'),
  false,
  (d, t) => {
    if (d % 1000 < 8 || d === t) process.stderr.write(`features ${d}/${t}\n`);
  },
);
const x = feats.pooled.subarray(0, N * feats.dim);
const y = images.slice(0, N).map((im) => (im.label === 'pneumonia' ? 1 : 0));

/** Median wall time and median CPU time (user + system) of `reps` runs, ms. CPU time does not
 * depend on how many other processes share the 2 cores; wall time does. */
function timed(f: () => void, reps = 5): { wall: number; cpu: number } {
  const w: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    w.push(performance.now() - t0);
    const d = process.cpuUsage(c0);
    c.push((d.user + d.system) / 1000);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
  return { wall: med(w), cpu: med(c) };
}

function median(f: () => void, reps = 5): number {
  return timed(f, reps).cpu;
}

const row = (L: number | string, what: string, t: { wall: number; cpu: number }) =>
  console.log(
    `| ${L} | ${what} | ${t.cpu.toFixed(0)} | ${t.wall.toFixed(0)} | ${(t.cpu / 1000).toFixed(2)}× |`,
  );

function naiveKCenter(e: Float32Array, dim: number, cands: number[], lab: number[], k: number): number[] {
  const chosen = [...lab];
  const out: number[] = [];
  for (let p = 0; p < k; p++) {
    let arg = -1;
    let best = -1;
    for (const c of cands) {
      if (out.includes(c)) continue;
      let m = Number.POSITIVE_INFINITY;
      for (const q of chosen) m = Math.min(m, sqDist(e, c, e, q, dim));
      if (m > best) {
        best = m;
        arg = c;
      }
    }
    out.push(arg);
    chosen.push(arg);
  }
  return out;
}

function run(dim: number, emb: Float32Array, label: string): void {
  const pool: Pool = {
    ids: Array.from({ length: N }, (_, i) => String(i)),
    dim,
    embeddings: emb,
    sources: Array(N).fill('kermany'),
  };
  console.log(`\n${label}: ${N} images × ${dim} dims, n = 10 per pass (median of 5)`);
  console.log('| labelled | strategy | CPU ms | wall ms | CPU vs 1 s budget |');
  console.log('|---|---|---|---|---|');
  row(
    0,
    'cold start',
    timed(() => suggest({ pool, labelled: new Set(), task: 'classify', strategy: 'hybrid', n: 10 })),
  );
  for (const L of [300, 1000]) {
    const lab = Array.from({ length: L }, (_, i) => Math.floor((i * N) / L));
    const m = fitLogReg(
      emb,
      dim,
      lab,
      lab.map((i) => y[i]),
      standardizer(emb, dim),
      30,
    );
    const p1 = predictLogReg(m, emb);
    const probs = new Float32Array(2 * N);
    p1.forEach((v, i) => {
      probs[2 * i] = 1 - v;
      probs[2 * i + 1] = v;
    });
    const classProbs: ClassProbs = { classes: ['normal', 'pneumonia'], probs };
    for (const strategy of ['hybrid', 'uncertainty', 'diversity', 'random'] as StrategyName[]) {
      const t = timed(() =>
        suggest({ pool, labelled: new Set(lab), task: 'classify', strategy, n: 10, classProbs }),
      );
      row(L, strategy, t);
    }
    if (L !== 300) continue; // the naive peer takes minutes at 1,000 labels
    const e = centerNormalize(emb, dim);
    const labSet = new Set(lab);
    const cands = pool.ids.map((_, i) => i).filter((i) => !labSet.has(i));
    const naive = median(() => naiveKCenter(e, dim, cands, lab, 10), 1);
    const ours = median(() =>
      suggest({ pool, labelled: labSet, task: 'classify', strategy: 'diversity', n: 10 }),
    );
    console.log(
      `| ${L} | peer: naive exact k-center | ${naive.toFixed(0)} | – | diversity pass uses ${(naive / ours).toFixed(1)}× less CPU |`,
    );
  }
}

console.log(
  `machine: ${cpus().length} cores, ${cpus()[0].model}, load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}; encoder ${path.basename(encoderDir)} (${feats.encoderId.slice(0, 12)})`,
);
run(feats.dim, x, 'encoder features');
if (feats.dim < 384) {
  // The shipped ViT-Tiny pools to 384 dims: tile the real features to measure that cost too.
  const t = Math.ceil(384 / feats.dim);
  const wide = new Float32Array(N * feats.dim * t);
  for (let i = 0; i < N; i++)
    for (let k = 0; k < t; k++)
      wide.set(x.subarray(i * feats.dim, (i + 1) * feats.dim), (i * t + k) * feats.dim);
  run(feats.dim * t, wide, `same features tiled ×${t} (the shipped encoder's pooled width)`);
}
