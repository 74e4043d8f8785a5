import { conservativePoint, operatingPoint } from './operating.ts';
import type { OperatingTarget, Recalibration } from './types.ts';

const logit = (p: number) => {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (s: number) => 1 / (1 + Math.exp(-s));

/**
 * Recalibrates a two-class model to a new site from a few of its labels: the model's log-odds s
 * become a·s + b (slope = inverse temperature, b = intercept: the site's prevalence and shift),
 * fitted by Newton on the log-likelihood with a Gaussian prior pulling (a, b) to (1, 0) whose
 * weight `prior` acts like that many pseudo-images, so 5 labels cannot produce a wild slope. The
 * threshold is then chosen on the recalibrated scores of the same labels for `target`: with a
 * `confidence` (> 0) so that the target's one-sided lower bound holds (a threshold picked exactly
 * at the target on a few labels misses it on new patients about half the time); with 0 exactly
 * at the target. `operating.reached` is false when the labels cannot support the target.
 */
export function recalibrate(
  probsPositive: number[],
  positive: boolean[],
  target: OperatingTarget,
  classNames: { positive: string; negative: string },
  { prior = 2, confidence = 0 }: { prior?: number; confidence?: number } = {},
): Recalibration {
  const s = probsPositive.map(logit);
  const n = s.length;
  if (!n) throw new Error('recalibration needs labelled images of the new site');
  const loss = (a: number, b: number) => {
    let f = 0.5 * prior * ((a - 1) ** 2 + b ** 2);
    for (let i = 0; i < n; i++) {
      const z = a * s[i] + b;
      const m = positive[i] ? -z : z;
      f += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m));
    }
    return f;
  };
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = prior * (a - 1);
    let gb = prior * b;
    let haa = prior;
    let hab = 0;
    let hbb = prior;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a * s[i] + b);
      const e = p - (positive[i] ? 1 : 0);
      const w = Math.max(p * (1 - p), 1e-9);
      ga += e * s[i];
      gb += e;
      haa += w * s[i] * s[i];
      hab += w * s[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Damped Newton: halve the step until the penalised loss decreases (saturated scores).
    const f0 = loss(a, b);
    let t = 1;
    while (t > 1e-6 && !(loss(a - t * da, b - t * db) <= f0)) t /= 2;
    a -= t * da;
    b -= t * db;
    if (t * (Math.abs(da) + Math.abs(db)) < 1e-9) break;
  }
  const p2 = s.map((v) => sigmoid(a * v + b));
  const pos = positive.filter(Boolean).length;
  const out = {
    a,
    b,
    n,
    nPerClass: { [classNames.positive]: pos, [classNames.negative]: n - pos },
    target,
  };
  if (confidence > 0 && !('youden' in target)) {
    const op = conservativePoint(p2, positive, target, confidence);
    return { ...out, threshold: op.threshold, operating: op };
  }
  return { ...out, threshold: operatingPoint(p2, positive, target).threshold };
}

/** Applies a recalibration to a positive-class probability. */
export function applyRecalibration(r: Pick<Recalibration, 'a' | 'b'>, p: number): number {
  return sigmoid(r.a * logit(p) + r.b);
}
