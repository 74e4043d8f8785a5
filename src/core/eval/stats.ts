/** Small exact statistics used by the checks: chi-square tail, Fisher's exact test, binomial tail. */

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9): ~15 significant digits for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised upper incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - lg));
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - lg) * h);
}

/** P(X ≥ x) for a chi-square variable with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

const logFact = (n: number) => logGamma(n + 1);

/** Two-sided Fisher exact test of a 2×2 table [[a, b], [c, d]] (sum of tables no more likely). */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const n = r1 + r2;
  const logP = (x: number) =>
    logFact(r1) +
    logFact(r2) +
    logFact(c1) +
    logFact(n - c1) -
    (logFact(x) + logFact(r1 - x) + logFact(c1 - x) + logFact(r2 - c1 + x) + logFact(n));
  const p0 = logP(a);
  let p = 0;
  for (let x = Math.max(0, c1 - r2); x <= Math.min(r1, c1); x++) {
    const lp = logP(x);
    if (lp <= p0 + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialSf(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let s = 0;
  for (let i = k; i <= n; i++) {
    s += Math.exp(logFact(n) - logFact(i) - logFact(n - i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return Math.min(1, s);
}

/**
 * One-sided Clopper–Pearson lower bound: the smallest proportion p for which seeing k or more
 * successes in n has probability ≥ 1 − confidence. Exact (never below nominal coverage), which
 * is what a clinic needs when it is told "specificity is at least X".
 */
export function clopperPearsonLower(k: number, n: number, confidence: number): number {
  if (n <= 0 || k <= 0) return 0;
  const alpha = 1 - confidence;
  if (k === n) return alpha ** (1 / n);
  let lo = 0;
  let hi = k / n;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (binomialSf(k, n, mid) < alpha) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Fewest images, all correct, whose one-sided lower bound reaches `target`. */
export function minimumForBound(target: number, confidence: number): number {
  return Math.ceil(Math.log(1 - confidence) / Math.log(target));
}
