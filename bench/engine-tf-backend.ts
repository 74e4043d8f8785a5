/**
 * Which TF.js backend runs the heads fastest here: wasm vs the plain JS cpu backend (and WebGPU
 * when a hardware adapter exists). Same workloads on each, alternating backends per round:
 * a training step of the attentive probe (64 images × 50 tokens × 192), a training step of the
 * segmentation decoder at 112 px (batch 8), and a 2048×192·192×192 matmul.
 *
 *   npx tsx bench/engine-tf-backend.ts [--rounds 3] [--webgpu]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import os from 'node:os';
import { probeWebGpuAdapter } from '../src/core/model/providers.ts';
import { attentiveHead } from '../src/core/train/heads.ts';
import { segHead } from '../src/core/train/seg-head.ts';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3) || 3;
const adapter = await probeWebGpuAdapter();
const backends = ['wasm', 'cpu'];
// --webgpu also measures a software adapter (llvmpipe), which is never chosen automatically.
if (adapter && (!adapter.software || process.argv.includes('--webgpu'))) {
  const { create, globals } = (await import('webgpu')) as unknown as {
    create: (o: string[]) => unknown;
    globals: object;
  };
  Object.assign(globalThis, globals);
  const nav = (globalThis.navigator ?? Object.assign(globalThis, { navigator: {} }).navigator) as object;
  Object.defineProperty(nav, 'gpu', { value: create([]), configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  backends.push('webgpu');
}

function workloads() {
  const att = attentiveHead(192, 2, 0);
  const tok = tf.randomNormal([64, 50, 192]);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 64 }, (_, i) => i % 2),
      'int32',
    ),
    2,
  );
  const seg = segHead({ size: 112, grid: 7, dim: 192, levels: 3, width: 64, stem: false }, 0);
  const grid = tf.randomNormal([8, 7, 7, 576]) as tf.Tensor4D;
  const tgt = tf.randomUniform([8, 56, 56, 1]).round() as tf.Tensor4D;
  const a = tf.randomNormal([2048, 192]) as tf.Tensor2D;
  const w = tf.randomNormal([192, 192]) as tf.Tensor2D;
  const opt = tf.train.adam(1e-3);
  const opt2 = tf.train.adam(1e-3);
  return {
    'attentive step (64 img)': () =>
      opt
        .minimize(() => tf.losses.softmaxCrossEntropy(y, att.forward(tok, true, 1)) as tf.Scalar, true)!
        .data(),
    'seg decoder step (8 img, 112 px)': () =>
      opt2
        .minimize(
          () => tf.losses.sigmoidCrossEntropy(tgt, seg.forwardSeg(grid, null, true)) as tf.Scalar,
          true,
        )!
        .data(),
    'matmul 2048×192×192': () => tf.matMul(a, w).data(),
  };
}

const results: Record<string, Record<string, number[]>> = {};
for (let r = 0; r < rounds + 1; r++) {
  for (const b of backends) {
    await tf.setBackend(b);
    await tf.ready();
    const wl = workloads();
    for (const [name, fn] of Object.entries(wl)) {
      await fn(); // warm-up per backend instance
      const t = performance.now();
      await fn();
      const ms = performance.now() - t;
      if (r > 0) {
        results[name] = results[name] ?? {};
        results[name][b] = [...(results[name][b] ?? []), ms];
      }
    }
    tf.disposeVariables();
  }
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
for (const [name, byB] of Object.entries(results)) {
  const line = Object.entries(byB).map(([b, v]) => `${b} ${median(v).toFixed(1)} ms`);
  const gpu = byB.webgpu ? `, webgpu/wasm ${(median(byB.webgpu) / median(byB.wasm)).toFixed(1)}×` : '';
  console.log(
    `${name}: ${line.join(', ')}; cpu/wasm ${(median(byB.cpu) / median(byB.wasm)).toFixed(1)}×${gpu}`,
  );
}
console.log(
  JSON.stringify({
    adapter: adapter?.description ?? null,
    nproc: os.availableParallelism(),
    load: os.loadavg()[0],
  }),
);
