import { readSafetensors } from '../model/safetensors.ts';
import { tf } from './backend.ts';
import { BLOCK_PARAMS, blockForward, layerNormAffine } from './block.ts';
import type { Head } from './heads.ts';

interface EncInfo {
  depth: number;
  numHeads: number;
  lnEps: number;
  mlpRatio: number;
}

/**
 * Deeper fine-tuning: the encoder's last k blocks and final LayerNorm, initialised from
 * `weights.safetensors` and trained, over cached block-(L−k) tokens; then a linear layer on
 * CLS ‖ mean patch. Without `weightsFile` the variables are allocated for loading saved weights.
 */
export function blocksHead(
  enc: EncInfo,
  dim: number,
  k: number,
  classes: number,
  seed: number,
  weightsFile?: string,
): Head {
  const src = weightsFile ? readSafetensors(weightsFile) : undefined;
  const hidden = Math.round(dim * enc.mlpRatio);
  const shapes: Record<string, number[]> = {
    'norm1.weight': [dim],
    'norm1.bias': [dim],
    'attn.qkv.weight': [3 * dim, dim],
    'attn.qkv.bias': [3 * dim],
    'attn.proj.weight': [dim, dim],
    'attn.proj.bias': [dim],
    'norm2.weight': [dim],
    'norm2.bias': [dim],
    'mlp.fc1.weight': [hidden, dim],
    'mlp.fc1.bias': [hidden],
    'mlp.fc2.weight': [dim, hidden],
    'mlp.fc2.bias': [dim],
  };
  const vars: Record<string, tf.Variable> = {};
  const take = (name: string, shape: number[]) => {
    if (!src) return tf.tidy(() => tf.variable(tf.zeros(shape)));
    const t = src[name];
    if (!t || t.shape.join() !== shape.join())
      throw new Error(`${weightsFile}: tensor ${name} missing or not ${shape}`);
    return tf.tidy(() => tf.variable(tf.tensor(t.data, shape)));
  };
  const prefixes: string[] = [];
  for (let i = enc.depth - k; i < enc.depth; i++) {
    prefixes.push(`blocks.${i}`);
    for (const p of BLOCK_PARAMS) vars[`blocks.${i}.${p}`] = take(`blocks.${i}.${p}`, shapes[p]);
  }
  vars['norm.weight'] = take('norm.weight', [dim]);
  vars['norm.bias'] = take('norm.bias', [dim]);
  vars['linear.weight'] = tf.tidy(() =>
    tf.variable(tf.randomNormal([2 * dim, classes], 0, 0.01, 'float32', seed)),
  );
  vars['linear.bias'] = tf.tidy(() => tf.variable(tf.zeros([classes])));
  return {
    kind: `blocks:${k}`,
    vars,
    consts: {},
    forward: (x) =>
      tf.tidy(() => {
        let h = x as tf.Tensor3D;
        for (const p of prefixes) h = blockForward(vars, p, h, enc.numHeads, enc.lnEps);
        const n = layerNormAffine(h, vars['norm.weight'], vars['norm.bias'], enc.lnEps) as tf.Tensor3D;
        const [b, t, d] = n.shape;
        const cls = tf.reshape(tf.slice(n, [0, 0, 0], [b, 1, d]), [b, d]);
        const mean = tf.mean(tf.slice(n, [0, 1, 0], [b, t - 1, d]), 1);
        return tf.add(
          tf.matMul(tf.concat([cls, mean], 1), vars['linear.weight']),
          vars['linear.bias'],
        ) as tf.Tensor2D;
      }),
  };
}
