/**
 * The worker side of bench/scale.ts, in its own process like the real ML worker: every
 * suggestion strategy on a built project (second call timed; the first may train the linear
 * classifier), the bounded pool against the exact pass (overlap of picks, mean distance of the
 * picks to their nearest labelled image), and the process RSS idle, after the passes and after
 * a collection. Prints one JSON line.
 *   node --expose-gc --import tsx bench/scale-worker.ts PROJECT_DIR
 */
import { suggestForProject } from '../src/core/active/project.ts';
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
const mat = readFeatureMatrix(store, encoder.id, ids, 'pooled');
const row = new Map(ids.map((id, i) => [id, i]));
function gap(picks: number[]): number {
  let sum = 0;
  for (const p of picks) {
    const a = row.get(p)! * mat.dim;
    let best = Number.POSITIVE_INFINITY;
    for (const l of labelledIds) {
      const b = row.get(l)! * mat.dim;
      let s = 0;
      for (let k = 0; k < mat.dim; k++) s += (mat.data[a + k] - mat.data[b + k]) ** 2;
      if (s < best) best = s;
    }
    sum += Math.sqrt(best);
  }
  return sum / Math.max(1, picks.length);
}

const out: Record<string, unknown> = { idleMb: idle };
const strategies: Array<StrategyName | 'coldstart'> = [
  'coldstart',
  'uncertainty',
  'random',
  'hybrid',
  'diversity',
];
for (const s of strategies) {
  // Cold start is what a pass gets before any classifier exists: run it first, without training.
  const run = (bounds?: typeof EXACT) =>
    suggestForProject(store, {
      strategy: s === 'coldstart' ? 'hybrid' : s,
      n: 20,
      train: s !== 'coldstart',
      poolBounds: bounds,
    });
  if (s === 'uncertainty') await run(); // trains the classifier once; the timed call reuses it
  const t0 = performance.now();
  const r = await run();
  const ms = performance.now() - t0;
  const entry: Record<string, unknown> = { ms: Math.round(ms), parts: r.ms, used: r.used };
  if (s === 'hybrid' || s === 'diversity' || s === 'coldstart') {
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
out.afterMb = rss();
// What the worker does after every job (src/worker/memory.ts): collect, and again a moment later.
collectGarbage();
await new Promise((r) => setTimeout(r, 400));
out.afterGcMb = rss();
store.close();
console.log(JSON.stringify(out));
