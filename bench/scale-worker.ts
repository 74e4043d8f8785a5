/**
 * The worker side of bench/scale.ts, in its own process like the real ML worker: every
 * suggestion strategy on a built project with the worker's resident feature matrix (second call
 * timed; the first may train the linear classifier, and the very first loads the matrix), the
 * bounded pool against the exact pass (overlap of picks, mean distance of the picks to their
 * nearest labelled image; cold start's exact pass only up to 10k images: it took 20 minutes at
 * 50k), and the process RSS idle, after the passes, after a collection with the matrix kept, and
 * after the idle drop of the matrix. Prints one JSON line.
 *   node --expose-gc --import tsx bench/scale-worker.ts PROJECT_DIR
 */
import { suggestForProject } from '../src/core/active/project.ts';
import { residentFeatures } from '../src/core/active/resident.ts';
import type { StrategyName } from '../src/core/active/types.ts';
import { readFeatureMatrix } from '../src/core/model/features.ts';
import { openProject } from '../src/core/store/index.ts';
import { initTf } from '../src/core/train/backend.ts';
import { getEncoder } from '../src/core/train/engine.ts';
import { collectGarbage } from '../src/worker/memory.ts';

const dir = process.argv[2];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const store = openProject(dir, { skipIntegrityCheck: true });
const encoder = await getEncoder(store);
await initTf();
gc();
const idle = rss();

const EXACT = { size: Number.POSITIVE_INFINITY, uncertain: 0, labelled: Number.POSITIVE_INFINITY };
const ids = store.listImages({ status: 'active', limit: -1 }).items.map((i) => i.id);
const labelledIds = store.listImages({ status: 'active', labelled: true, limit: -1 }).items.map((i) => i.id);
// The bench's own copy, for the exactness figures only; released before RSS is measured.
let mat: { dim: number; data: Float32Array } | null = readFeatureMatrix(store, encoder.id, ids, 'pooled');
const EXACT_COLDSTART_MAX = 10_000;
const row = new Map(ids.map((id, i) => [id, i]));
function gap(picks: number[]): number {
  if (!mat) throw new Error('released');
  const { dim, data } = mat;
  let sum = 0;
  for (const p of picks) {
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
  return sum / Math.max(1, picks.length);
}

const out: Record<string, unknown> = { idleMb: idle };
// Cold start is measured as a project without a classifier sees it: a classifier a previous run
// of this bench trained is deleted first (the bench's own projects only).
for (const m of store.listModels({ kind: 'classify', encoderId: encoder.id })) store.deleteModel(m.id);
const strategies: Array<StrategyName | 'coldstart'> = [
  'coldstart',
  'uncertainty',
  'random',
  'hybrid',
  'diversity',
  'typical',
  'balanced',
];
for (const s of strategies) {
  // Cold start is what a pass gets before any classifier exists: run it first, without training.
  const run = (bounds?: typeof EXACT) =>
    suggestForProject(store, {
      strategy: s === 'coldstart' ? 'hybrid' : s,
      n: 20,
      train: s !== 'coldstart',
      poolBounds: bounds,
      resident: residentFeatures,
    });
  if (s === 'coldstart') {
    // The first pass of the worker's life: checks the cache's coverage and loads the matrix.
    const t = performance.now();
    const first = await run();
    out.firstPassMs = Math.round(performance.now() - t);
    out.firstPassParts = first.ms;
    out.residentMb = Math.round(residentFeatures.used() / 2 ** 20);
  }
  // A warm-up call: it trains the classifier once (uncertainty) and projects the rows of the
  // pool that earlier passes did not; the timed call is a labelling session's steady state.
  else await run();
  const t0 = performance.now();
  const r = await run();
  const ms = performance.now() - t0;
  const entry: Record<string, unknown> = { ms: Math.round(ms), parts: r.ms, used: r.used };
  const exact =
    s === 'hybrid' || s === 'diversity' || (s === 'coldstart' && ids.length <= EXACT_COLDSTART_MAX);
  if (exact) {
    const t1 = performance.now();
    const e = await run(EXACT);
    entry.exactMs = Math.round(performance.now() - t1);
    const a = r.suggestions.map((x) => x.imageNumber);
    const b = new Set(e.suggestions.map((x) => x.imageNumber));
    entry.overlap = a.filter((x) => b.has(x)).length / Math.max(1, a.length);
    entry.gapRatio = Number((gap(a) / Math.max(1e-9, gap([...b]))).toFixed(3));
  }
  out[s] = entry;
}
mat = null;
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
store.close();
console.log(JSON.stringify(out));
