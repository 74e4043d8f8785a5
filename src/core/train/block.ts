import { tf } from './backend.ts';

/** Variables of one ViT block under timm names (`blocks.{i}.…`); Linear weights are [out, in]. */
export type BlockVars = Record<string, tf.Variable>;

export const BLOCK_PARAMS = [
  'norm1.weight',
  'norm1.bias',
  'attn.qkv.weight',
  'attn.qkv.bias',
  'attn.proj.weight',
  'attn.proj.bias',
  'norm2.weight',
  'norm2.bias',
  'mlp.fc1.weight',
  'mlp.fc1.bias',
  'mlp.fc2.weight',
  'mlp.fc2.bias',
];

export function layerNormAffine(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), w), b);
}

function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = x.shape;
  const d = shape[shape.length - 1];
  const y = tf.add(tf.matMul(tf.reshape(x, [-1, d]), w as tf.Tensor2D, false, true), b);
  return tf.reshape(y, [...shape.slice(0, -1), w.shape[0]]);
}

/** Exact (erf) GELU, as in PyTorch's default nn.GELU / F.gelu. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/**
 * One pre-norm ViT block, the same function as pretrain/model.py `Block` (eval mode):
 * x + proj(softmax(q·kᵀ/√dh)·v) over LN1(x), then x + fc2(GELU(fc1(LN2(x)))).
 * qkv rows are q|k|v, heads contiguous within each.
 */
export function blockForward(
  v: BlockVars,
  prefix: string,
  x: tf.Tensor3D,
  heads: number,
  eps: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, n, d] = x.shape;
    const dh = d / heads;
    const p = (k: string) => v[`${prefix}.${k}`];
    const h = layerNormAffine(x, p('norm1.weight'), p('norm1.bias'), eps);
    const qkv = tf.transpose(
      tf.reshape(linear(h, p('attn.qkv.weight'), p('attn.qkv.bias')), [b, n, 3, heads, dh]),
      [2, 0, 3, 1, 4],
    );
    const [q, k, val] = tf.unstack(qkv) as tf.Tensor4D[]; // [B, H, N, dh]
    const att = tf.softmax(tf.matMul(tf.mul(q, 1 / Math.sqrt(dh)), k, false, true));
    const o = tf.reshape(tf.transpose(tf.matMul(att, val), [0, 2, 1, 3]), [b, n, d]);
    const x1 = tf.add(x, linear(o, p('attn.proj.weight'), p('attn.proj.bias')));
    const h2 = layerNormAffine(x1, p('norm2.weight'), p('norm2.bias'), eps);
    const m = linear(
      gelu(linear(h2, p('mlp.fc1.weight'), p('mlp.fc1.bias'))),
      p('mlp.fc2.weight'),
      p('mlp.fc2.bias'),
    );
    return tf.add(x1, m) as tf.Tensor3D;
  });
}
