/**
 * Learning curve of the product's linear head (exact L2 logistic regression, penalty chosen by
 * repeated patient-grouped CV: src/core/train/cv-linear.ts) against a tuned scikit-learn
 * LogisticRegressionCV on the same cached features, on patients set aside from training.
 *
 * Kermany's set-aside split: a patient is held out when the first 8 hex digits of
 * sha1("kermany-holdout:" + patient_id), read as a fraction of 2³², are below 0.2. Nothing here
 * trains on those patients; the pretraining corpus may contain them (the shipped encoder saw
 * all of ../shared/data/cxr), so held-out sites are the stricter test.
 *
 *   npx tsx bench/heads.ts [--counts 25,50,100,200] [--seeds 5] [--variants final,ms] [--no-peer]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { auc } from '../src/core/stats/metrics.ts';
import { crossValidate } from '../src/core/train/cv-linear.ts';
import { aucInterval } from '../src/core/train/estimate.ts';
import { design, fitExact, linearLogits, solver } from '../src/core/train/exact-linear.ts';
import { mulberry32, shuffle } from '../src/core/util/rng.ts';
import { keptOut } from './al-sim/holdout.ts';
import { type HeadsData, headsData } from './heads-data.ts';

const { values: a } = parseArgs({
  options: {
    counts: { type: 'string', default: '25,50,100,200' },
    seeds: { type: 'string', default: '5' },
    variants: { type: 'string', default: 'final,ms' },
    repeats: { type: 'string', default: '3' },
    'no-peer': { type: 'boolean', default: false },
    /** Also the all-label and NIH → Kermany tasks (minutes per variant). */
    big: { type: 'boolean', default: false },
    balanced: { type: 'boolean', default: false },
  },
});

/** Column blocks of a feature variant: `final` = the product's pooled vector; ms = 3 depths. */
const VARIANTS: Record<string, string[]> = {
  final: ['final'],
  ms: ['block6', 'block9', 'final'],
  ms4: ['block3', 'block6', 'block9', 'final'],
};

function columns(d: HeadsData, view: number, rows: number[], layers: string[]): Float32Array {
  const row = d.layers.length * d.width;
  const w = d.width;
  const out = new Float32Array(rows.length * layers.length * w);
  rows.forEach((r, i) => {
    layers.forEach((l, k) => {
      const off = d.layers.indexOf(l) * w;
      out.set(d.views[view].subarray(r * row + off, r * row + off + w), (i * layers.length + k) * w);
    });
  });
  return out;
}

/** Standardises train rows by their own mean/std and applies it to the others (as `train` does). */
function standardiseBy(train: Float32Array, others: Float32Array[], d: number): void {
  const n = train.length / d;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += train[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[j] += (train[i * d + j] - mean[j]) ** 2 / n;
  const std = Float64Array.from(sq, (v) => Math.max(Math.sqrt(v), 1e-3));
  for (const m of [train, ...others])
    for (let i = 0; i < m.length; i++) m[i] = (m[i] - mean[i % d]) / std[i % d];
}

interface Task {
  id: string;
  train: number[];
  test: number[];
  trainSet: 'kermany' | 'nih';
}

const counts = a.counts.split(',').map(Number);
const seeds = Number(a.seeds);
const repeats = Number(a.repeats);
const ker = await headsData('kermany');
const nih = await headsData('nih');
const yOf = (d: HeadsData) => d.images.map((im) => (im.label === 'pneumonia' ? 1 : 0));
const kerY = yOf(ker);
const nihY = yOf(nih);
const held = ker.images.map((_, i) => i).filter((i) => keptOut(ker.images[i].patient));
const pool = ker.images.map((_, i) => i).filter((i) => !keptOut(ker.images[i].patient));
console.error(
  `kermany: pool ${pool.length} images, held out ${held.length} (${held.filter((i) => kerY[i]).length} pneumonia)`,
);

const tasks: Task[] = [];
for (const c of counts)
  for (let s = 0; s < seeds; s++) {
    const pick = shuffle([...pool], mulberry32(1000 * c + s)).slice(0, c);
    if (new Set(pick.map((i) => kerY[i])).size < 2) continue;
    tasks.push({ id: `${c}/${s}`, train: pick, test: held, trainSet: 'kermany' });
  }
if (a.big) {
  tasks.push({ id: 'all', train: pool, test: held, trainSet: 'kermany' });
  tasks.push({ id: 'nih→kermany', train: nih.images.map((_, i) => i), test: held, trainSet: 'nih' });
}

const out: Record<string, Record<string, number>> = {};
const peerDir = path.join('runs', 'heads', 'peer');
mkdirSync(peerDir, { recursive: true });
const peerTasks: Array<Record<string, unknown>> = [];
for (const variant of a.variants.split(',')) {
  const layers = VARIANTS[variant];
  for (const t of tasks) {
    const src = t.trainSet === 'kermany' ? ker : nih;
    const ys = t.trainSet === 'kermany' ? kerY : nihY;
    const t0 = performance.now();
    const tr = columns(src, 0, t.train, layers);
    const trFlip = columns(src, 1, t.train, layers);
    const te = columns(ker, 0, t.test, layers);
    const teFlip = columns(ker, 1, t.test, layers);
    const d = layers.length * src.width;
    standardiseBy(tr, [trFlip, te, teFlip], d);
    const n = t.train.length;
    const items = t.train.map((i, k) => ({
      id: k,
      group: `${t.trainSet}:${src.images[i].patient}`,
      label: ys[i],
    }));
    const big = n > 1000;
    const x = design(tr, n, d);
    const cv = await crossValidate(x, items, 2, {
      folds: 5,
      repeats: big ? 1 : repeats,
      seed: 0,
      balanced: a.balanced,
    });
    const rowsAll = items.map((_, i) => i);
    const m = fitExact(
      x,
      rowsAll,
      Int32Array.from(items.map((it) => it.label)),
      2,
      cv.lambda,
      solver(x, rowsAll, a.balanced),
    );
    const xt = design(te, t.test.length, d);
    const rows = t.test.map((_, i) => i);
    const lg = linearLogits(xt, rows, m);
    const truth = t.test.map((i) => kerY[i] === 1);
    const test = auc(
      rows.map((i) => lg[i * 2 + 1]),
      truth,
    );
    const lgF = linearLogits(design(teFlip, t.test.length, d), rows, m);
    const testTta = auc(
      rows.map((i) => lg[i * 2 + 1] + lgF[i * 2 + 1]),
      truth,
    );
    const key = `${variant} ${t.id}`;
    const patients = (c: number) => new Set(items.filter((it) => it.label === c).map((it) => it.group)).size;
    const ci = aucInterval(cv.aucs, patients(1), patients(0));
    out[key] = {
      lambda: cv.lambda,
      cvAuc: cv.aucs.reduce((s, v) => s + v, 0) / cv.aucs.length,
      ciLo: ci[0],
      ciHi: ci[1],
      covered: test >= ci[0] && test <= ci[1] ? 1 : 0,
      test,
      testTta,
      ms: Math.round(performance.now() - t0),
    };
    console.error(key, JSON.stringify(out[key]));
    if (!a['no-peer']) {
      const base = path.join(peerDir, `${variant}-${t.id.replace(/[^a-z0-9]/gi, '_')}`);
      writeFileSync(`${base}.train.f32`, Buffer.from(tr.buffer));
      writeFileSync(`${base}.test.f32`, Buffer.from(te.buffer));
      peerTasks.push({
        key,
        base,
        d,
        y: items.map((it) => it.label),
        groups: items.map((it) => it.group),
        truth: truth.map(Number),
      });
    }
  }
}
if (!a['no-peer']) {
  writeFileSync(path.join(peerDir, 'tasks.json'), JSON.stringify(peerTasks));
  const peer = JSON.parse(
    execFileSync(
      existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
      ['bench/heads_peer.py', path.join(peerDir, 'tasks.json')],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    ),
  ) as Record<string, { test: number; oracle: number; C: number }>;
  for (const [k, v] of Object.entries(peer))
    Object.assign(out[k], { peer: v.test, peerOracle: v.oracle, peerC: v.C });
}

// Summary: mean per variant × count.
const summary: Record<string, Record<string, number>> = {};
for (const [k, v] of Object.entries(out)) {
  const [variant, id] = k.split(' ');
  const group = `${variant} ${id.split('/')[0]}`;
  summary[group] ??= {};
  for (const [m, val] of Object.entries(v)) {
    summary[group][m] = (summary[group][m] ?? 0) + val;
    summary[group][`${m}#`] = (summary[group][`${m}#`] ?? 0) + 1;
  }
}
for (const s of Object.values(summary))
  for (const m of Object.keys(s)) if (!m.endsWith('#')) s[m] = Number((s[m] / s[`${m}#`]).toFixed(4));
for (const s of Object.values(summary)) for (const m of Object.keys(s)) if (m.endsWith('#')) delete s[m];
console.log(
  JSON.stringify(
    {
      machine: `${cpus().length} × ${cpus()[0]?.model}`,
      load: loadavg()[0],
      seeds,
      repeats,
      summary,
      runs: out,
    },
    null,
    1,
  ),
);
