/** The segmentation decoder's conv (custom gradient) and resize match reference computations. */
import { describe, expect, it } from 'vitest';
import { initTf, tf } from '../../src/core/train/backend.ts';
import { conv2dFixedInput } from '../../src/core/train/conv-ops.ts';
import { conv2d, normTokens, resizeBilinearMM, segHead } from '../../src/core/train/seg-head.ts';
import { maxAbsDiff } from '../model/golden.ts';
import { im2colConv2d } from './im2col.ts';

describe('segmentation decoder building blocks', () => {
  it('conv2d (native forward, hand-written gradient) equals the autograd of an im2col conv', async () => {
    await initTf();
    for (const [k, cin, cout] of [
      [3, 3, 5],
      [3, 12, 4],
      [1, 7, 3],
    ]) {
      const x = tf.randomNormal([2, 9, 8, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, cin, cout], 0, 1, 'float32', 2) as tf.Tensor4D;
      const up = tf.randomNormal([2, 9, 8, cout], 0, 1, 'float32', 3);
      const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), up));
      const ours = conv2d(x, w);
      expect(maxAbsDiff(ours.dataSync(), im2colConv2d(x, w).dataSync()), `fwd k${k} cin ${cin}`).toBeLessThan(
        1e-4,
      );
      const [gx, gw] = tf.grads(loss(conv2d))([x, w]);
      const [rx, rw] = tf.grads(loss(im2colConv2d))([x, w]);
      expect(gw.shape).toEqual(w.shape);
      expect(maxAbsDiff(gx.dataSync(), rx.dataSync()), `dx k${k} cin ${cin}`).toBeLessThan(1e-3);
      expect(maxAbsDiff(gw.dataSync(), rw.dataSync()), `dW k${k} cin ${cin}`).toBeLessThan(1e-3);
    }
  });

  it('conv2dFixedInput has the forward and dW of conv2d, and a zero dx (inputs are never trained)', async () => {
    await initTf();
    const x = tf.randomNormal([2, 9, 8, 6], 0, 1, 'float32', 4) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 6, 4], 0, 1, 'float32', 5) as tf.Tensor4D;
    const up = tf.randomNormal([2, 9, 8, 4], 0, 1, 'float32', 6);
    const loss = (f: typeof conv2d) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), up));
    expect(maxAbsDiff(conv2dFixedInput(x, w).dataSync(), conv2d(x, w).dataSync())).toBe(0);
    const [fx, fw] = tf.grads(loss(conv2dFixedInput))([x, w]);
    const [, rw] = tf.grads(loss(conv2d))([x, w]);
    expect(maxAbsDiff(fw.dataSync(), rw.dataSync())).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(fx)).dataSync()[0]).toBe(0);
  });

  it('tokens normalised once (training) give the same logits as normalising in the forward pass', async () => {
    await initTf();
    const head = segHead(
      { size: 32, grid: 4, dim: 4, levels: 3, width: 8, stem: false, ctx: 2, branch: 4 },
      0,
    );
    const tokens = tf.randomNormal([2, 4, 4, 12], 3, 5, 'float32', 7) as tf.Tensor4D;
    const image = tf.randomNormal([2, 32, 32, 1]) as tf.Tensor4D;
    const a = head.forwardSeg(tokens, image, true);
    const b = head.forwardSeg(normTokens(tokens, 3, 4), image, true, true);
    expect(maxAbsDiff(a.dataSync(), b.dataSync())).toBeLessThan(1e-5);
  });

  it('resizeBilinearMM equals tf.image.resizeBilinear (half-pixel centres)', async () => {
    await initTf();
    const x = tf.randomNormal([1, 7, 5, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const ours = resizeBilinearMM(x, 14, 10);
    const ref = tf.image.resizeBilinear(x, [14, 10], false, true);
    expect(maxAbsDiff(ours.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
  });

  it('with the stem, forward gives full-resolution logits and gradients reach every variable', async () => {
    await initTf();
    const head = segHead({ size: 32, grid: 2, dim: 4, levels: 3, width: 8, stem: true }, 0);
    const tokens = tf.randomNormal([2, 2, 2, 12]) as tf.Tensor4D;
    const image = tf.randomNormal([2, 32, 32, 1]) as tf.Tensor4D;
    expect(head.forwardSeg(tokens, image).shape).toEqual([2, 32, 32, 1]);
    const { grads } = tf.variableGrads(
      () => tf.mean(head.forwardSeg(tokens, image)) as tf.Scalar,
      Object.values(head.vars),
    );
    expect(Object.keys(grads)).toHaveLength(Object.keys(head.vars).length);
  });

  it('with the image branch on a dense grid, logits are full resolution and every variable learns', async () => {
    await initTf();
    const head = segHead(
      { size: 32, grid: 4, dim: 4, levels: 3, width: 8, stem: false, ctx: 2, branch: 4 },
      0,
    );
    const tokens = tf.randomNormal([2, 4, 4, 12]) as tf.Tensor4D;
    const image = tf.randomNormal([2, 32, 32, 1]) as tf.Tensor4D;
    expect(head.forwardSeg(tokens, image).shape).toEqual([2, 32, 32, 1]);
    expect(head.forwardSeg(tokens, image, true).shape).toEqual([2, 16, 16, 1]);
    const { grads } = tf.variableGrads(
      () => tf.mean(tf.square(head.forwardSeg(tokens, image))) as tf.Scalar,
      Object.values(head.vars),
    );
    expect(Object.keys(grads).sort()).toEqual(
      Object.values(head.vars)
        .map((v) => v.name)
        .sort(),
    );
    for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    expect(() => head.forwardSeg(tokens, null)).toThrow(/needs the image/);
  });

  it('slim fusion narrows the token features before the upsampling, and every variable learns', async () => {
    await initTf();
    const cfg = {
      size: 32,
      grid: 4,
      dim: 4,
      levels: 3,
      width: 8,
      stem: false,
      ctx: 2,
      branch: 4,
      lateral: 4,
      fuse2: 4,
    };
    const head = segHead(cfg, 0);
    expect(head.vars['lateral.weight'].shape).toEqual([1, 1, 8, 4]);
    expect(head.vars['fuse2.weight'].shape).toEqual([3, 3, 4 + 8, 4]);
    expect(head.vars['fuse1.weight'].shape).toEqual([3, 3, 4 + 4, 4]);
    // A decoder saved before slim fusion (no lateral/fuse2 in its config) keeps its variables.
    const old = segHead({ ...cfg, lateral: undefined, fuse2: undefined }, 0);
    expect(old.vars['lateral.weight']).toBeUndefined();
    expect(old.vars['fuse2.weight'].shape).toEqual([3, 3, 8 + 8, 8]);
    const tokens = tf.randomNormal([2, 4, 4, 12]) as tf.Tensor4D;
    const image = tf.randomNormal([2, 32, 32, 1]) as tf.Tensor4D;
    expect(head.forwardSeg(tokens, image, true).shape).toEqual([2, 16, 16, 1]);
    const { grads } = tf.variableGrads(
      () => tf.mean(tf.square(head.forwardSeg(tokens, image))) as tf.Scalar,
      Object.values(head.vars),
    );
    for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
  });

  it('the default decoder at the shipped encoder shapes: width-32 grid convs, 56² logits when training', async () => {
    await initTf();
    const cfg = { size: 112, grid: 14, dim: 192, levels: 3, width: 32, stem: false, ctx: 2 };
    const head = segHead({ ...cfg, branch: 8, lateral: 16, fuse2: 16, dense: true }, 0);
    expect(head.vars['proj.weight'].shape).toEqual([1, 1, 576, 32]);
    expect(head.vars['ctx.weight'].shape).toEqual([3, 3, 32, 32]);
    expect(head.vars['ctx2.weight'].shape).toEqual([3, 3, 32, 32]);
    expect(head.vars['lateral.weight'].shape).toEqual([1, 1, 32, 16]);
    const tokens = tf.randomNormal([2, 14, 14, 576]) as tf.Tensor4D;
    const image = tf.randomNormal([2, 112, 112, 1]) as tf.Tensor4D;
    expect(head.forwardSeg(tokens, image, true).shape).toEqual([2, 56, 56, 1]);
    expect(head.forwardSeg(tokens, image).shape).toEqual([2, 112, 112, 1]);
  });
});
