import type { RunControl } from '../model/types.ts';
import { tf } from './backend.ts';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  ms: number;
}

/** One minibatch: the loss to minimise and the tensors to free after the step. */
export interface Step {
  loss(): tf.Scalar;
  dispose(): void;
}

/** What differs between the heads; the loop owns the rest (see `epochLoop`). */
export interface LoopSpec {
  epochs: number;
  lr: number;
  /** Epochs without a better validation loss before stopping. */
  patience: number;
  /** The trained variables: the best epoch's values are kept and restored. */
  vars: Record<string, tf.Variable>;
  /** The minibatches of one epoch (sample indices), drawn when the epoch starts. */
  batches(epoch: number): number[][];
  step(batch: number[]): Step;
  /** Validation loss after an epoch, given its mean training loss. */
  valLoss(trainLoss: number): Promise<number>;
  /** False: there is no validation set, so every epoch counts as the best (the last is kept). */
  hasVal: boolean;
  /** Longest time between yields to the event loop; 0 yields after every step. */
  yieldMs?: number;
  /** Learning rate of an epoch (default: `lr` throughout). */
  lrAt?(epoch: number): number;
}

/** Cosine decay from `lr` at epoch 0 to `lr`·`floor` at the last epoch. */
export function cosineLr(lr: number, epochs: number, floor = 0.05): (epoch: number) => number {
  return (e) => lr * (floor + ((1 - floor) * (1 + Math.cos((Math.PI * e) / Math.max(1, epochs - 1)))) / 2);
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * The one training loop of every head: Adam over minibatches, early stopping on the validation
 * loss with the best epoch's weights restored, progress per epoch, cancellation before each step
 * (AbortError from `ctl.signal`), and the optimiser and weight copies freed however it ends.
 */
export async function epochLoop(
  spec: LoopSpec,
  ctl: RunControl = {},
): Promise<{ history: EpochRecord[]; bestEpoch: number }> {
  const opt = tf.train.adam(spec.lr);
  const history: EpochRecord[] = [];
  const yieldMs = spec.yieldMs ?? 0;
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = -1;
  let bestVals: Record<string, tf.Tensor> = {};
  let lastYield = performance.now();
  try {
    for (let epoch = 0; epoch < spec.epochs; epoch++) {
      const t0 = performance.now();
      // Adam reads its rate at every step (tfjs-core AdamOptimizer), so an epoch can change it.
      if (spec.lrAt) (opt as unknown as { learningRate: number }).learningRate = spec.lrAt(epoch);
      let sum = 0;
      let steps = 0;
      for (const batch of spec.batches(epoch)) {
        ctl.signal?.throwIfAborted();
        const s = spec.step(batch);
        try {
          const loss = opt.minimize(() => s.loss(), true)!;
          sum += (await loss.data())[0];
          loss.dispose();
        } finally {
          s.dispose();
        }
        steps++;
        if (performance.now() - lastYield >= yieldMs) {
          await tick();
          lastYield = performance.now();
        }
      }
      const trainLoss = sum / steps;
      const vl = await spec.valLoss(trainLoss);
      history.push({ epoch, trainLoss, valLoss: vl, ms: performance.now() - t0 });
      ctl.onProgress?.({ phase: 'train', done: epoch + 1, total: spec.epochs, trainLoss, valLoss: vl });
      if (!spec.hasVal || vl < best) {
        if (spec.hasVal) best = vl;
        bestEpoch = epoch;
        tf.dispose(Object.values(bestVals));
        bestVals = Object.fromEntries(Object.entries(spec.vars).map(([k, v]) => [k, tf.clone(v)]));
      } else if (epoch - bestEpoch >= spec.patience) break;
    }
    for (const [k, v] of Object.entries(bestVals)) spec.vars[k].assign(v);
    return { history, bestEpoch };
  } finally {
    tf.dispose(Object.values(bestVals));
    opt.dispose();
  }
}
