import { tf } from '../../src/core/train/backend.ts';

/**
 * Reference "same" conv: im2col + matMul, differentiated by TF.js itself (slice, concat, matMul).
 * The first segmentation decoder's conv; the test's oracle and the benchmark's peer for
 * train/conv-ops.ts.
 */
export function im2colConv2d(x: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const [b, h, wd] = x.shape;
  const p = (kh - 1) / 2;
  const xp = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const cols: tf.Tensor[] = [];
  for (let dy = 0; dy < kh; dy++)
    for (let dx = 0; dx < kw; dx++) cols.push(tf.slice(xp, [0, dy, dx, 0], [b, h, wd, cin]));
  const m = tf.matMul(tf.reshape(tf.concat(cols, 3), [-1, kh * kw * cin]), tf.reshape(w, [-1, cout]));
  return tf.reshape(m, [b, h, wd, cout]);
}
