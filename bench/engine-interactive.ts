/**
 * Interactive speed and memory of the heads (issue 4 figures), on the 2-core machine:
 *  1. retrain the linear classification head on 1,000 cached images, then rescore 5,000 cached
 *     images (read cache → score → store predictions): goal ≤ 2 s together;
 *  2. peak RSS while training on 5,000 images (linear and attentive heads, in a child process
 *     each, VmHWM from /proc/self/status): goal ≤ 2 GB.
 * The 1,000 NIH images get real features from the encoder. The 4,000 other images are Kermany
 * images whose cache rows are copies of NIH feature rows (same shapes, so the same work for the
 * head; extracting 4,000 more images with the encoder would only time the encoder, measured in
 * engine-extract.ts).
 *
 *   npx tsx bench/engine-interactive.ts --encoder DIR [--project /tmp/spcxr-bench-5000]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FeatureEntry } from '../src/core/store/types.ts';
import { predict, trainClassifier } from '../src/core/train/index.ts';
import { arg, benchFeatures, benchProject, nihIds, sharedItems } from './engine-project.ts';

const encoderDir = arg('encoder');
if (!encoderDir) throw new Error('--encoder DIR is required');
const dir = arg('project', '/tmp/spcxr-bench-5000')!;
const store = await benchProject(dir, sharedItems('kermany_pediatric', { n: 4000 }));
const all = store.listImages({ limit: 1e9 }).items.map((i) => i.id);
const nih = nihIds(store);
const mode = arg('child');

if (mode) {
  // Child: train one head on all 5,000 images and report the peak RSS.
  const r = await trainClassifier(store, {
    encoderDir,
    provider: 'cpu',
    head: mode as 'linear',
    imageIds: all,
    epochs: mode === 'linear' ? 300 : 3,
    seed: 0,
  });
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
  console.log(
    JSON.stringify({
      head: mode,
      images: r.trainImages + r.valImages,
      peakMB: Math.round(hwm),
      trainMs: r.timings.trainMs,
    }),
  );
  process.exit(0);
}

const { enc } = await benchFeatures(store, encoderDir, nih, ['pooled', 'final']);
// Copy NIH feature rows onto the Kermany images (see header).
const others = all.filter((id) => !new Set(nih).has(id));
const have = store.imagesWithFeatures(enc.id, ['pooled', 'final'], 0);
const missing = others.filter((id) => !have.has(id));
for (let i = 0; i < missing.length; i += 200) {
  const part = missing.slice(i, i + 200);
  const src = store.getFeatures(
    part.flatMap((_, j) =>
      ['pooled', 'final'].map((layer) => ({
        imageId: nih[(i + j) % nih.length],
        encoderId: enc.id,
        layer,
        view: 0,
      })),
    ),
  );
  const byKey = new Map(src.map((e) => [`${e.imageId}|${e.layer}`, e]));
  const out: FeatureEntry[] = [];
  part.forEach((id, j) => {
    for (const layer of ['pooled', 'final'])
      out.push({ ...byKey.get(`${nih[(i + j) % nih.length]}|${layer}`)!, imageId: id });
  });
  store.putFeatures(out);
}
console.error(`cache ready: ${store.imagesWithFeatures(enc.id, ['pooled', 'final'], 0).size} images`);

const runs: Array<{
  trainMs: number;
  rescoreMs: number;
  totalMs: number;
  cpuMs: number;
  valAuc: number | undefined;
}> = [];
for (let r = 0; r < 5; r++) {
  // CPU time of this process beside wall time: the shared machine's load inflates wall time.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const m = await trainClassifier(store, {
    encoderDir,
    provider: 'cpu',
    head: 'linear',
    imageIds: nih,
    seed: r,
  });
  const t1 = performance.now();
  const p = await predict(store, { encoderDir, provider: 'cpu', modelId: m.modelId, imageIds: all });
  const t2 = performance.now();
  const cu = process.cpuUsage(c0);
  runs.push({
    cpuMs: Math.round((cu.user + cu.system) / 1000),
    trainMs: Math.round(t1 - t0),
    rescoreMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    valAuc: 'binary' in m.metrics ? m.metrics.binary?.auc : undefined,
  });
  console.log(
    `run ${r + 1}: retrain ${runs[r].trainMs} ms + rescore ${p.scored} in ${runs[r].rescoreMs} ms = ${runs[r].totalMs} ms (CPU ${runs[r].cpuMs} ms)`,
  );
}
const self = fileURLToPath(import.meta.url);
const mem = ['linear', 'attentive'].map((h) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      ['--import', 'tsx', self, '--encoder', encoderDir, '--project', dir, '--child', h],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    )
      .trim()
      .split('\n')
      .at(-1)!,
  ),
);
console.log(
  JSON.stringify({
    encoder: enc.card.name,
    cpu: os.cpus()[0]?.model,
    nproc: os.availableParallelism(),
    load: os.loadavg()[0],
    runs,
    memory: mem,
  }),
);
store.close();
