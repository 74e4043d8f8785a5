import { tf } from './backend.ts';

/** A trainable head: named variables and a forward pass from a batch of inputs to logits. */
export interface Head {
  kind: string;
  vars: Record<string, tf.Variable>;
  /** Non-trainable tensors saved with the head (feature standardisation). */
  consts: Record<string, tf.Tensor>;
  forward(x: tf.Tensor, training: boolean, seed: number): tf.Tensor2D;
}

function glorot(shape: number[], seed: number): tf.Variable {
  const fan = shape[0] + shape[shape.length - 1];
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fan), 'float32', seed)));
}

/** Linear probe on standardised pooled features [B, 2D] (CLS ‖ mean patch). */
export function linearHead(
  dim: number,
  classes: number,
  mean: Float32Array,
  std: Float32Array,
  seed: number,
): Head {
  const vars = {
    'linear.weight': glorot([dim, classes], seed),
    'linear.bias': tf.tidy(() => tf.variable(tf.zeros([classes]))),
  };
  const consts = { 'norm.mean': tf.tensor1d(mean), 'norm.std': tf.tensor1d(std) };
  return {
    kind: 'linear',
    vars,
    consts,
    forward: (x) =>
      tf.tidy(() =>
        tf.add(
          tf.matMul(tf.div(tf.sub(x, consts['norm.mean']), consts['norm.std']), vars['linear.weight']),
          vars['linear.bias'],
        ),
      ),
  };
}

function layerNorm(x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6)));
}

/**
 * Attentive probe over tokens [B, T, D]: `queries` learned queries attend over the tokens
 * (softmax(x·q/√D)); the pooled vectors go through an MLP. With one query per head a key
 * projection W_k is absorbed into the query (q·W_k x = (W_kᵀq)·x) and a value projection into
 * the first MLP layer (W_v is linear), so this is cross-attention at a fraction of the cost.
 */
export function attentiveHead(
  dim: number,
  classes: number,
  seed: number,
  queries = 4,
  hidden = 128,
  dropout = 0.2,
): Head {
  const vars = {
    'attn.query': tf.tidy(() => tf.variable(tf.randomNormal([dim, queries], 0, 0.02, 'float32', seed))),
    'mlp.fc1.weight': glorot([queries * dim, hidden], seed + 1),
    'mlp.fc1.bias': tf.tidy(() => tf.variable(tf.zeros([hidden]))),
    'mlp.fc2.weight': glorot([hidden, classes], seed + 2),
    'mlp.fc2.bias': tf.tidy(() => tf.variable(tf.zeros([classes]))),
  };
  const scale = 1 / Math.sqrt(dim);
  return {
    kind: 'attentive',
    vars,
    consts: {},
    forward: (x, training, s) =>
      tf.tidy(() => {
        const [b, t] = x.shape;
        const logits = tf.reshape(tf.matMul(tf.reshape(x, [b * t, dim]), vars['attn.query']), [
          b,
          t,
          queries,
        ]);
        const att = tf.softmax(tf.mul(tf.transpose(logits, [0, 2, 1]), scale)); // [B, Q, T]
        let pooledV: tf.Tensor = layerNorm(tf.matMul(att, x as tf.Tensor3D)); // [B, Q, D]
        pooledV = tf.reshape(pooledV, [b, queries * dim]);
        let h: tf.Tensor = tf.relu(
          tf.add(tf.matMul(pooledV as tf.Tensor2D, vars['mlp.fc1.weight']), vars['mlp.fc1.bias']),
        );
        if (training && dropout > 0) h = tf.dropout(h, dropout, undefined, s);
        return tf.add(
          tf.matMul(h as tf.Tensor2D, vars['mlp.fc2.weight']),
          vars['mlp.fc2.bias'],
        ) as tf.Tensor2D;
      }),
  };
}

/** Flat float32 copies of a head's variables and constants, for saving. */
export function headWeights(h: Head): Record<string, { shape: number[]; data: Float32Array }> {
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [k, v] of Object.entries({ ...h.vars, ...h.consts }))
    out[k] = { shape: v.shape, data: v.dataSync() as Float32Array };
  return out;
}

/** Loads saved values into a freshly built head of the same config. */
export function loadHeadWeights(h: Head, w: Record<string, { shape: number[]; data: Float32Array }>): void {
  for (const [k, v] of Object.entries(h.vars)) {
    if (!w[k]) throw new Error(`head weights: ${k} missing`);
    tf.tidy(() => v.assign(tf.tensor(w[k].data, w[k].shape)));
  }
  for (const k of Object.keys(h.consts)) {
    if (!w[k]) throw new Error(`head weights: ${k} missing`);
    h.consts[k].dispose();
    h.consts[k] = tf.tensor(w[k].data, w[k].shape);
  }
}

export function disposeHead(h: Head): void {
  for (const v of Object.values(h.vars)) v.dispose();
  for (const c of Object.values(h.consts)) c.dispose();
}
