import type { RunControl } from '../model/types.ts';
import { mulberry32, shuffle } from '../util/rng.ts';
import { tf } from './backend.ts';
import type { Head } from './heads.ts';

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

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  ms: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

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
 * Minibatch AdamW-style training (L2 on weight matrices) with weighted cross-entropy, early
 * stopping on the validation loss, and the best epoch's weights restored at the end.
 * Shuffling and dropout are seeded. Yields to the event loop between steps so a UI or worker
 * stays responsive, and stops with an AbortError when `signal` fires.
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
  const opt = tf.train.adam(o.lr);
  const w = tf.tensor1d(o.classWeights);
  const decay = Object.entries(head.vars)
    .filter(([k]) => /weight|query/.test(k))
    .map(([, v]) => v);
  const history: EpochRecord[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let bestVals: Record<string, tf.Tensor> = {};
  let lastYield = performance.now();
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
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      const order = shuffle(
        Array.from({ length: train.x.n }, (_, i) => i),
        rand,
      );
      let sum = 0;
      let steps = 0;
      for (let i = 0; i < order.length; i += o.batchSize) {
        ctl.signal?.throwIfAborted();
        const idx = order.slice(i, i + o.batchSize);
        const xb = train.x.batch(idx);
        const yb = tf.tensor1d(
          Int32Array.from(idx, (j) => train.y[j]),
          'int32',
        );
        const seed = Math.floor(rand() * 2 ** 31);
        const loss = opt.minimize(() => {
          const ce = weightedCE(head.forward(xb, true, seed), yb, w, classes);
          if (!o.weightDecay) return ce;
          return tf.add(
            ce,
            tf.mul(o.weightDecay, tf.addN(decay.map((v) => tf.sum(tf.square(v))))),
          ) as tf.Scalar;
        }, true);
        sum += (await loss!.data())[0];
        steps++;
        tf.dispose([yb, loss!]);
        if (!train.x.cached) xb.dispose();
        if (performance.now() - lastYield > 30) {
          await tick();
          lastYield = performance.now();
        }
      }
      const vl = await valLoss();
      history.push({ epoch, trainLoss: sum / steps, valLoss: vl, ms: performance.now() - t0 });
      ctl.onProgress?.({
        phase: 'train',
        done: epoch + 1,
        total: o.epochs,
        trainLoss: sum / steps,
        valLoss: vl,
      });
      if (!(vl >= best) || Number.isNaN(vl)) {
        best = Number.isNaN(vl) ? best : vl;
        bestEpoch = epoch;
        tf.dispose(Object.values(bestVals));
        bestVals = Object.fromEntries(Object.entries(head.vars).map(([k, v]) => [k, tf.clone(v)]));
      } else if (epoch - bestEpoch >= o.patience) break;
    }
    for (const [k, v] of Object.entries(bestVals)) head.vars[k].assign(v);
    return { history, bestEpoch };
  } finally {
    tf.dispose(Object.values(bestVals));
    w.dispose();
    opt.dispose();
  }
}
