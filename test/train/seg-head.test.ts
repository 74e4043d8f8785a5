/** The matmul-based conv and resize of the segmentation decoder equal TF.js's own kernels. */
import { describe, expect, it } from 'vitest';
import { initTf, tf } from '../../src/core/train/backend.ts';
import { conv2d, resizeBilinearMM, segHead } from '../../src/core/train/seg-head.ts';
import { maxAbsDiff } from '../model/golden.ts';

describe('segmentation decoder building blocks', () => {
  it('conv2d (im2col and shifted-sum paths, stride 1 and 2) equals tf.conv2d "same"', async () => {
    await initTf();
    for (const [cin, cout, stride] of [
      [3, 5, 1],
      [12, 4, 1],
      [12, 4, 2],
    ]) {
      const x = tf.randomNormal([2, 9, 9, cin], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, cin, cout], 0, 1, 'float32', 2) as tf.Tensor4D;
      const ours = conv2d(x, w, stride);
      const ref = tf.conv2d(x, w, stride, 'same');
      expect(ours.shape).toEqual(ref.shape);
      expect(maxAbsDiff(ours.dataSync(), ref.dataSync()), `cin ${cin} stride ${stride}`).toBeLessThan(1e-4);
    }
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
});
