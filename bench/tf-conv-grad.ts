/**
 * TF.js wasm: the segmentation decoder's conv2d (XNNPACK forward + hand-written gradient of
 * forward convs, train/conv-ops.ts) against the peer it replaced, an im2col + matMul conv
 * differentiated by TF.js, and against TF.js's own Conv2DBackpropInput. Forward + backward of
 * one 3×3 "same" conv at the decoder's shapes, batch 8; prints ms and the ratio.
 *
 *   npx tsx bench/tf-conv-grad.ts
 */
import os from 'node:os';
import { initTf, tf } from '../src/core/train/backend.ts';
import { conv2d } from '../src/core/train/conv-ops.ts';
import { im2colConv2d } from '../test/train/im2col.ts';

await initTf();

async function ms(f: () => tf.Tensor[], reps = 5): Promise<number> {
  tf.dispose(f());
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) {
    const r = f();
    await Promise.all(r.map((t) => t.data()));
    tf.dispose(r);
  }
  return (performance.now() - t0) / reps;
}

const rows = [];
for (const [cin, cout, s] of [
  [16, 16, 56],
  [48, 16, 56],
  [96, 32, 28],
  [64, 64, 14],
]) {
  const x = tf.randomNormal([8, s, s, cin]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, cin, cout], 0, 0.1) as tf.Tensor4D;
  const grads = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a as tf.Tensor4D, b as tf.Tensor4D))));
  const ours = await ms(() => grads(conv2d)([x, w]));
  const peer = await ms(() => grads(im2colConv2d)([x, w]));
  const dy = tf.randomNormal([8, s, s, cout]) as tf.Tensor4D;
  const backpropInput = await ms(() => [tf.conv2dTranspose(dy, w, [8, s, s, cin], 1, 'same')]);
  const fwd = await ms(() => [tf.conv2d(x, w, 1, 'same')]);
  rows.push({
    shape: `${cin}->${cout} @${s}² ×8`,
    gflop: +((8 * s * s * 9 * cin * cout * 2) / 1e9).toFixed(3),
    oursFwdBwdMs: +ours.toFixed(1),
    im2colAutogradMs: +peer.toFixed(1),
    speedup: +(peer / ours).toFixed(2),
    tfjsConv2DBackpropInputMs: +backpropInput.toFixed(1),
    forwardOnlyMs: +fwd.toFixed(1),
  });
  tf.dispose([x, w, dy]);
}
console.table(rows);
console.log(
  JSON.stringify({ backend: tf.getBackend(), cpus: os.cpus()[0].model, load: os.loadavg()[0], rows }),
);
