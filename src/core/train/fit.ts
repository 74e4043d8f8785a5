import type { RunControl } from '../model/types.ts';
import { mulberry32, shuffle } from '../util/rng.ts';
import { tf } from './backend.ts';
import type { Head } from './heads.ts';
import { type EpochRecord, epochLoop } from './loop.ts';

export type { EpochRecord };

/** Builds the input tensor of a head for a list of sample indices. */
export interface Batcher {
  n: number;
  batch(idx: number[]): tf.Tensor;
  /** True when `batch` of all samples in natural order returns a kept tensor (do not dispose). */
  cached?: boolean;
  dispose?(): void;
}

export interface FitOptions {
  epochs: number;
  lr: number;
  weightDecay: number;
  batchSize: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  /** Per-class loss weight (inverse frequency), index = class. */
  classWeights: number[];
  seed: number;
}

function weightedCE(logits: tf.Tensor2D, y: tf.Tensor1D, w: tf.Tensor1D, classes: number): tf.Scalar {
  const ls = tf.logSoftmax(logits);
  const nll = tf.neg(tf.sum(tf.mul(ls, tf.oneHot(y, classes)), -1));
  const sw = tf.gather(w, y);
  return tf.div(tf.sum(tf.mul(nll, sw)), tf.sum(sw)) as tf.Scalar;
}

/** Async `predictLogits` (GPU backends cannot read synchronously in Node). */
export async function predictLogitsAsync(
  head: Head,
  x: Batcher,
  classes: number,
  batchSize = 256,
): Promise<Float32Array> {
  const out = new Float32Array(x.n * classes);
  for (let i = 0; i < x.n; i += batchSize) {
    const part = Array.from({ length: Math.min(batchSize, x.n - i) }, (_, k) => i + k);
    const t = x.batch(part);
    const l = head.forward(t, false, 0);
    out.set((await l.data()) as Float32Array, i * classes);
    if (!(x.cached && part.length === x.n)) t.dispose();
    l.dispose();
  }
  return out;
}

/** Logits for samples `idx` (all by default), batched, as a flat [n × C] array. */
export function predictLogits(
  head: Head,
  x: Batcher,
  classes: number,
  idx?: number[],
  batchSize = 256,
): Float32Array {
  const ids = idx ?? Array.from({ length: x.n }, (_, i) => i);
  const out = new Float32Array(ids.length * classes);
  for (let i = 0; i < ids.length; i += batchSize) {
    const part = ids.slice(i, i + batchSize);
    const t = x.batch(part);
    const l = head.forward(t, false, 0);
    out.set(l.dataSync() as Float32Array, i * classes);
    if (!(x.cached && part.length === x.n)) t.dispose();
    l.dispose();
  }
  return out;
}

/**
 * Minibatch AdamW-style training (L2 on weight matrices) with weighted cross-entropy on the one
 * loop (`epochLoop`): early stopping on the validation loss, the best epoch's weights restored,
 * seeded shuffling and dropout, cancellation and progress.
 */
export async function fit(
  head: Head,
  train: { x: Batcher; y: Int32Array },
  val: { x: Batcher; y: Int32Array },
  classes: number,
  o: FitOptions,
  ctl: RunControl = {},
): Promise<{ history: EpochRecord[]; bestEpoch: number }> {
  const rand = mulberry32(o.seed);
  const w = tf.tensor1d(o.classWeights);
  const decay = Object.entries(head.vars)
    .filter(([k]) => /weight|query/.test(k))
    .map(([, v]) => v);
  const valLoss = async (): Promise<number> => {
    if (!val.y.length) return Number.NaN;
    const logits = await predictLogitsAsync(head, val.x, classes);
    const t = tf.tidy(() =>
      weightedCE(tf.tensor2d(logits, [val.y.length, classes]), tf.tensor1d(val.y, 'int32'), w, classes),
    );
    const v = (await t.data())[0];
    t.dispose();
    return v;
  };
  try {
    return await epochLoop(
      {
        epochs: o.epochs,
        lr: o.lr,
        patience: o.patience,
        vars: head.vars,
        hasVal: val.y.length > 0,
        yieldMs: 30,
        batches: () => {
          const order = shuffle(
            Array.from({ length: train.x.n }, (_, i) => i),
            rand,
          );
          const out: number[][] = [];
          for (let i = 0; i < order.length; i += o.batchSize) out.push(order.slice(i, i + o.batchSize));
          return out;
        },
        step: (idx) => {
          const xb = train.x.batch(idx);
          const yb = tf.tensor1d(
            Int32Array.from(idx, (j) => train.y[j]),
            'int32',
          );
          const seed = Math.floor(rand() * 2 ** 31);
          return {
            loss: () => {
              const ce = weightedCE(head.forward(xb, true, seed), yb, w, classes);
              if (!o.weightDecay) return ce;
              return tf.add(
                ce,
                tf.mul(o.weightDecay, tf.addN(decay.map((v) => tf.sum(tf.square(v))))),
              ) as tf.Scalar;
            },
            dispose: () => {
              yb.dispose();
              if (!train.x.cached) xb.dispose();
            },
          };
        },
        valLoss,
      },
      ctl,
    );
  } finally {
    w.dispose();
  }
}
