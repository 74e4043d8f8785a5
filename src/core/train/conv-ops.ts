import { tf } from './backend.ts';

/** dW of a k×k stride-1 "same" conv: the padded input (batch as channels) convolved with dy. */
function filterGrad(xs: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  const p = (k - 1) / 2;
  const xp = p
    ? tf.pad(xs, [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ])
    : xs;
  const dwT = tf.conv2d(
    tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D,
    tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D,
    1,
    'valid',
  );
  return tf.transpose(dwT, [1, 2, 0, 3]) as tf.Tensor4D;
}

/**
 * Stride-1 "same" convolution with a hand-written gradient. The wasm backend's Conv2D forward is
 * XNNPACK (fast), but it has no Conv2DBackpropFilter kernel and its Conv2DBackpropInput is ~10×
 * slower than a forward conv (measured in docs/BENCHMARKS.md). Both gradients
 * are therefore forward convolutions: dx = conv(dy, W rotated 180° with in/out swapped), and
 * dW = conv of the padded input with batch as channels against dy as the filter.
 */
export const conv2d = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const wt = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(dy as tf.Tensor4D, wt, 1, 'same');
      return [dx, filterGrad(xs, dy as tf.Tensor4D, ws.shape[0])];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

/**
 * conv2d for an input that needs no gradient (decoder inputs: tokens, image): the same forward,
 * dW as above, and zeros for dx, saving one conv per step (the 768-channel token projection's
 * dx costs as much as its forward).
 */
export const conv2dFixedInput = tf.customGrad(((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      return [tf.zerosLike(xs), filterGrad(xs, dy as tf.Tensor4D, ws.shape[0])];
    },
  };
}) as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

/** 2×2 mean pooling as reshape + mean (differentiable on every backend). */
export function avgPool2(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  return tf.mean(tf.reshape(x, [b, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D;
}

/** Nearest ×2 upsampling as a broadcast (its gradient is a sum). */
export function upsample2(x: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const y = tf.mul(tf.reshape(x, [b, h, 1, w, 1, c]), tf.ones([1, 1, 2, 1, 2, 1]));
  return tf.reshape(y, [b, 2 * h, 2 * w, c]) as tf.Tensor4D;
}

const interp = new Map<string, tf.Tensor2D>();
/** [out, in] bilinear interpolation matrix (align_corners = false, half-pixel centres). */
function interpMatrix(n: number, m: number): tf.Tensor2D {
  const key = `${n}>${m}`;
  let t = interp.get(key);
  if (!t) {
    const a = new Float32Array(m * n);
    for (let o = 0; o < m; o++) {
      const src = Math.min(n - 1, Math.max(0, ((o + 0.5) * n) / m - 0.5));
      const i0 = Math.floor(src);
      const i1 = Math.min(n - 1, i0 + 1);
      const f = src - i0;
      a[o * n + i0] += 1 - f;
      a[o * n + i1] += f;
    }
    t = tf.keep(tf.tensor2d(a, [m, n]));
    interp.set(key, t);
  }
  return t;
}

/**
 * Bilinear resize of [B, H, W, C] to [B, oh, ow, C] by two matmuls: the wasm backend has no
 * ResizeBilinearGrad kernel.
 */
export function resizeBilinearMM(x: tf.Tensor4D, oh: number, ow: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const mw = interpMatrix(w, ow);
  const mh = interpMatrix(h, oh);
  // width: [B,H,W,C] → [B,H,C,W] · Mwᵀ → [B,H,C,ow]
  let y = tf.reshape(tf.matMul(tf.reshape(tf.transpose(x, [0, 1, 3, 2]), [-1, w]), mw, false, true), [
    b,
    h,
    c,
    ow,
  ]);
  // height: → [B,C,ow,H] · Mhᵀ → [B,C,ow,oh] → [B,oh,ow,C]
  y = tf.reshape(tf.matMul(tf.reshape(tf.transpose(y, [0, 2, 3, 1]), [-1, h]), mh, false, true), [
    b,
    c,
    ow,
    oh,
  ]);
  return tf.transpose(y, [0, 3, 2, 1]) as tf.Tensor4D;
}
