/** The one training loop (`epochLoop`) on a tiny least-squares problem: no data files needed. */
import { expect, it } from 'vitest';
import { initTf, tf } from '../../src/core/train/backend.ts';
import { cosineLr, epochLoop, type LoopSpec } from '../../src/core/train/loop.ts';

/** y = 2x on four points; `valLosses` scripts the validation curve the loop sees. */
function problem(valLosses: number[] | null) {
  const w = tf.variable(tf.scalar(0), true, `w${Math.random()}`);
  const x = tf.tensor1d([1, 2, 3, 4]);
  const y = tf.tensor1d([2, 4, 6, 8]);
  const seen: number[] = [];
  const spec: LoopSpec = {
    epochs: 8,
    lr: 0.1,
    patience: 2,
    vars: { w },
    hasVal: valLosses !== null,
    batches: () => [
      [0, 1],
      [2, 3],
    ],
    step: (idx) => {
      const xb = tf.gather(x, idx);
      const yb = tf.gather(y, idx);
      return {
        loss: () => tf.losses.meanSquaredError(yb, tf.mul(w, xb)) as tf.Scalar,
        dispose: () => tf.dispose([xb, yb]),
      };
    },
    valLoss: async (t) => {
      seen.push(w.dataSync()[0]);
      return valLosses ? valLosses[seen.length - 1] : t;
    },
  };
  return { w, spec, seen, dispose: () => tf.dispose([w, x, y]) };
}

it('stops after `patience` epochs without improvement and restores the best epoch', async () => {
  await initTf();
  const p = problem([5, 3, 4, 4, 4, 1]);
  const progress: number[] = [];
  const r = await epochLoop(p.spec, { onProgress: (e) => progress.push(e.done) });
  expect(r.bestEpoch).toBe(1);
  expect(r.history.map((h) => h.valLoss)).toEqual([5, 3, 4, 4]);
  expect(progress).toEqual([1, 2, 3, 4]);
  expect(p.w.dataSync()[0]).toBeCloseTo(p.seen[1], 6);
  p.dispose();
});

it('without validation keeps the last epoch', async () => {
  await initTf();
  const p = problem(null);
  const r = await epochLoop(p.spec);
  expect(r.history).toHaveLength(8);
  expect(r.bestEpoch).toBe(7);
  expect(p.w.dataSync()[0]).toBeCloseTo(p.seen[7], 6);
  p.dispose();
});

it('a cancelled loop frees its optimiser and weight copies', async () => {
  await initTf();
  const p = problem([3, 2, 1, 0.5, 0.4, 0.3, 0.2, 0.1]);
  const before = tf.memory().numTensors;
  const stop = new AbortController();
  const run = epochLoop(p.spec, { signal: stop.signal, onProgress: (e) => e.done === 2 && stop.abort() });
  await expect(run).rejects.toThrow();
  expect(tf.memory().numTensors).toBe(before);
  p.dispose();
});

it('lrAt sets the rate of each epoch: at rate 0 the weights stop moving', async () => {
  await initTf();
  const p = problem(null);
  await epochLoop({ ...p.spec, lrAt: (e) => (e < 2 ? 0.1 : 0) });
  expect(p.seen[1]).not.toBeCloseTo(p.seen[0], 3);
  for (let e = 2; e < 8; e++) expect(p.seen[e]).toBeCloseTo(p.seen[1], 6);
  p.dispose();
});

it('cosineLr decays from lr to lr·floor over the epochs', () => {
  const f = cosineLr(0.01, 5, 0.1);
  expect(f(0)).toBeCloseTo(0.01, 9);
  expect(f(2)).toBeCloseTo(0.0055, 9);
  expect(f(4)).toBeCloseTo(0.001, 9);
  expect(f(1)).toBeGreaterThan(f(2));
});
