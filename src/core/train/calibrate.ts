/** Temperature scaling (Guo et al. 2017): one scalar T > 0 fitted on validation logits by NLL. */

export function softmaxRow(logits: ArrayLike<number>, off: number, c: number, t = 1): number[] {
  let m = -Infinity;
  for (let k = 0; k < c; k++) m = Math.max(m, logits[off + k] / t);
  const e = Array.from({ length: c }, (_, k) => Math.exp(logits[off + k] / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function nll(logits: ArrayLike<number>, y: ArrayLike<number>, c: number, t: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(1e-12, softmaxRow(logits, i * c, c, t)[y[i]]));
  return s / Math.max(1, y.length);
}

/**
 * Golden-section search of log T in [−3, 3] (T in [0.05, 20]) minimising the validation NLL plus
 * a weak prior (log T)² / n. Without the prior a small, perfectly separated validation set drives
 * T to its lower bound (probabilities of exactly 0 and 1, ECE 0 on validation and badly
 * overconfident elsewhere); with a few hundred images the prior is negligible. T = 1 with no data.
 */
export function fitTemperature(logits: ArrayLike<number>, y: ArrayLike<number>, c: number): number {
  if (!y.length) return 1;
  const obj = (lt: number) => nll(logits, y, c, Math.exp(lt)) + (lt * lt) / y.length;
  let a = -3;
  let b = 3;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = obj(x1);
  let f2 = obj(x2);
  for (let i = 0; i < 60; i++) {
    if (f1 < f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = obj(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = obj(x2);
    }
  }
  return Math.exp((a + b) / 2);
}
