/**
 * The worker side of bench/scale.ts, in its own process like the real ML worker: every
 * suggestion strategy on a built project with the worker's resident feature matrix (second call
 * timed; the first may train the linear classifier, and the very first loads the matrix), and
 * the process RSS idle, after the passes, after a collection with the matrix kept, and after the
 * idle drop of the matrix. Prints one JSON line.
 *
 * Exactness runs afterwards in a second process (`--exactness`), so its extra passes and its own
 * float32 copy of the features never count in the memory figures: per strategy, the resident
 * (float16) pass against the same pass on a float32 resident matrix (overlap of picks, distance
 * ratio as below), and for hybrid, diversity and cold start (up to 10k images: its exact pass took 20
 * minutes at 50k) the bounded pool against the exact pass (overlap of picks, mean distance of the
 * picks to their nearest labelled image).
 *   node --expose-gc --import tsx bench/scale-worker.ts PROJECT_DIR [--exactness | --no-exactness]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suggestForProject } from '../src/core/active/project.ts';
import { ResidentFeatures, residentFeatures } from '../src/core/active/resident.ts';
import type { StrategyName } from '../src/core/active/types.ts';
import { readFeatureMatrix } from '../src/core/model/features.ts';
import { openProject } from '../src/core/store/index.ts';
import { initTf } from '../src/core/train/backend.ts';
import { getEncoder } from '../src/core/train/engine.ts';
import { collectGarbage } from '../src/worker/memory.ts';

const dir = process.argv[2];
const mode = process.argv[3] ?? '';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const store = openProject(dir, { skipIntegrityCheck: true });
const encoder = await getEncoder(store);
await initTf();
gc();
const idle = rss();

const EXACT = { size: Number.POSITIVE_INFINITY, uncertain: 0, labelled: Number.POSITIVE_INFINITY };
const EXACT_COLDSTART_MAX = 10_000;
const strategies: Array<StrategyName | 'coldstart'> = [
  'coldstart',
  'uncertainty',
  'random',
  'hybrid',
  'diversity',
  'typical',
  'balanced',
];
// Cold start is measured as a project without a classifier sees it: a classifier a previous run
// of this bench trained is deleted first (the bench's own projects only).
for (const m of store.listModels({ kind: 'classify', encoderId: encoder.id })) store.deleteModel(m.id);
// The float32 reference for exactness: the same resident pass on exact values (no file).
const float32 = new ResidentFeatures(2 ** 40, 60_000, true);
// Cold start is what a pass gets before any classifier exists: run it first, without training.
const run = (
  s: StrategyName | 'coldstart',
  o: { bounds?: typeof EXACT; float32?: boolean; n?: number } = {},
) =>
  suggestForProject(store, {
    strategy: s === 'coldstart' ? 'hybrid' : s,
    n: o.n ?? 20,
    train: s !== 'coldstart',
    poolBounds: o.bounds,
    resident: o.float32 ? float32 : residentFeatures,
  });
const picks = (r: Awaited<ReturnType<typeof run>>) => r.suggestions.map((x) => x.imageNumber);
const overlap = (a: number[], b: number[]) => {
  const bs = new Set(b);
  return a.filter((x) => bs.has(x)).length / Math.max(1, a.length);
};

const out: Record<string, unknown> = {};
if (mode === '--exactness') await exactness();
else await timing();
store.close();
console.log(JSON.stringify(out));

async function timing(): Promise<void> {
  out.idleMb = idle;
  // Whether a new worker finds the matrix's file (a later run of this bench on the same copy).
  const file = `${dir}/cache/resident-pooled-0.f16`;
  out.fileAtStart = existsSync(file);
  for (const s of strategies) {
    if (s === 'coldstart') {
      // The first pass of the worker's life: checks the cache's coverage and loads the matrix.
      const t = performance.now();
      const first = await run(s);
      out.firstPassMs = Math.round(performance.now() - t);
      out.firstPassParts = first.ms;
      out.residentMb = Math.round(residentFeatures.used() / 2 ** 20);
    }
    // A warm-up call: it trains the classifier once (uncertainty) and projects the rows of the
    // pool that earlier passes did not; the timed call is a labelling session's steady state.
    else await run(s);
    const t0 = performance.now();
    const r = await run(s);
    out[s] = { ms: Math.round(performance.now() - t0), parts: r.ms, used: r.used };
  }
  out.afterMb = rss();
  // What the worker does after every job (src/worker/memory.ts): collect, and again a moment later.
  collectGarbage();
  await new Promise((r) => setTimeout(r, 400));
  out.afterGcMb = rss();
  out.residentAfterMb = Math.round(residentFeatures.used() / 2 ** 20);
  // What the worker does after its idle spell: drop the resident matrices, collect.
  residentFeatures.drop();
  collectGarbage();
  await new Promise((r) => setTimeout(r, 400));
  out.afterDropMb = rss();
  if (mode === '--no-exactness') return;
  const child = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), dir, '--exactness'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const ex = JSON.parse(child.trim().split('\n').at(-1)!) as Record<string, Record<string, unknown>>;
  for (const [s, e] of Object.entries(ex)) Object.assign(out[s] as object, e);
}

async function exactness(): Promise<void> {
  const ids = store.listImages({ status: 'active', limit: -1 }).items.map((i) => i.id);
  const labelledIds = store
    .listImages({ status: 'active', labelled: true, limit: -1 })
    .items.map((i) => i.id);
  const mat = readFeatureMatrix(store, encoder.id, ids, 'pooled');
  const row = new Map(ids.map((id, i) => [id, i]));
  const gap = (ps: number[]) => {
    const { dim, data } = mat;
    let sum = 0;
    for (const p of ps) {
      const a = row.get(p)! * dim;
      let best = Number.POSITIVE_INFINITY;
      for (const l of labelledIds) {
        const b = row.get(l)! * dim;
        let s = 0;
        for (let k = 0; k < dim; k++) s += (data[a + k] - data[b + k]) ** 2;
        if (s < best) best = s;
      }
      sum += Math.sqrt(best);
    }
    return sum / Math.max(1, ps.length);
  };
  for (const s of strategies) {
    await run(s); // trains once (uncertainty), like the timing run's warm-up
    const r = picks(await run(s));
    const e: Record<string, unknown> = {};
    // The same pass on the exact float32 values (what the worker held before float16).
    const f = picks(await run(s, { float32: true }));
    e.float32Overlap = overlap(r, f);
    e.float32GapRatio = Number((gap(r) / Math.max(1e-9, gap(f))).toFixed(3));
    // Ranking strategies swap near-ties: how many picks are among float32's first 100.
    if (s === 'uncertainty' || s === 'balanced')
      e.float32Top100 = overlap(r, picks(await run(s, { float32: true, n: 100 })));
    if (s === 'hybrid' || s === 'diversity' || (s === 'coldstart' && ids.length <= EXACT_COLDSTART_MAX)) {
      const t1 = performance.now();
      const x = picks(await run(s, { bounds: EXACT }));
      e.exactMs = Math.round(performance.now() - t1);
      e.overlap = overlap(r, x);
      e.gapRatio = Number((gap(r) / Math.max(1e-9, gap(x))).toFixed(3));
    }
    out[s] = e;
  }
}
