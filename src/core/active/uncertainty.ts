import type { ClassProbs, MaskStats } from './types.ts';

/** Shannon entropy of each row, normalised by log(k) so that 1 means "no idea" for any k. */
export function entropyScores(cp: ClassProbs): Float32Array {
  const k = cp.classes.length;
  const n = cp.probs.length / k;
  const out = new Float32Array(n);
  const norm = k > 1 ? Math.log(k) : 1;
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let j = 0; j < k; j++) {
      const p = cp.probs[i * k + j];
      if (p > 0) h -= p * Math.log(p);
    }
    out[i] = h / norm;
  }
  return out;
}

/** 1 − (p_top1 − p_top2): 1 when the two likeliest classes tie, 0 when the model is certain. */
export function marginScores(cp: ClassProbs): Float32Array {
  const k = cp.classes.length;
  const n = cp.probs.length / k;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b] = topTwo(cp.probs, i * k, k);
    out[i] = 1 - (cp.probs[i * k + a] - (b < 0 ? 0 : cp.probs[i * k + b]));
  }
  return out;
}

/**
 * The score used for ranking: margin, with entropy as a tie-breaker. With two classes both
 * orderings coincide; with more, margin picks "torn between two" cases users can act on.
 */
export function classUncertainty(probs: ClassProbs): Float32Array {
  const cp = centredOnThreshold(probs);
  const m = marginScores(cp);
  const h = entropyScores(cp);
  for (let i = 0; i < m.length; i++) m[i] = 0.9 * m[i] + 0.1 * h[i];
  return m;
}

/** Column indices (relative to `off`) of the largest and second largest of k values. */
export function topTwo(p: ArrayLike<number>, off: number, k: number): [number, number] {
  let a = 0;
  let b = -1;
  for (let j = 1; j < k; j++) {
    if (p[off + j] > p[off + a]) {
      b = a;
      a = j;
    } else if (b < 0 || p[off + j] > p[off + b]) b = j;
  }
  return [a, b];
}

function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

/**
 * Uncertainty of a predicted mask from its foreground probability map (w × h, values 0…1).
 * Border pixels are foreground pixels (p ≥ 0.5) with a 4-neighbour below 0.5, or vice versa:
 * that is where users spend their correction time, so it gets its own measure.
 */
export function maskStats(prob: Float32Array, width: number, height: number): MaskStats {
  if (prob.length !== width * height) {
    throw new Error(`maskStats: probability map has ${prob.length} values, expected ${width}×${height}`);
  }
  let hSum = 0;
  let conf = 0;
  let fg = 0;
  let bCount = 0;
  let bH = 0;
  let bUnsure = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const p = prob[i];
      const h = binaryEntropy(p);
      hSum += h;
      conf += p >= 0.5 ? p : 1 - p;
      const on = p >= 0.5;
      if (on) fg++;
      const border =
        (x > 0 && prob[i - 1] >= 0.5 !== on) ||
        (x < width - 1 && prob[i + 1] >= 0.5 !== on) ||
        (y > 0 && prob[i - width] >= 0.5 !== on) ||
        (y < height - 1 && prob[i + width] >= 0.5 !== on);
      if (border) {
        bCount++;
        bH += h;
        if (p > 0.2 && p < 0.8) bUnsure++;
      }
    }
  }
  const n = width * height;
  return {
    meanEntropy: hSum / n,
    boundaryEntropy: bCount ? bH / bCount : 0,
    unsureBorder: bCount ? bUnsure / bCount : 0,
    area: fg / n,
    confidence: conf / n,
  };
}

/** Ranking score for masks: half overall pixel entropy, half border entropy. */
export function maskUncertainty(stats: (MaskStats | null)[]): Float32Array {
  const out = new Float32Array(stats.length);
  for (let i = 0; i < stats.length; i++) {
    const s = stats[i];
    out[i] = s ? 0.5 * s.meanEntropy + 0.5 * s.boundaryEntropy : 0;
  }
  return out;
}

/**
 * Two classes with a chosen threshold: each row's log-odds moved so the threshold sits at 0.5,
 * for ranking only (shown probabilities stay the model's own).
 */
export function centredOnThreshold(cp: ClassProbs): ClassProbs {
  const t = cp.threshold;
  if (!t || cp.classes.length !== 2 || !(t.value > 0 && t.value < 1)) return cp;
  const clip = (p: number) => Math.min(1 - 1e-7, Math.max(1e-7, p));
  const logit = (p: number) => Math.log(clip(p) / (1 - clip(p)));
  const shift = logit(t.value);
  const out = new Float32Array(cp.probs.length);
  for (let i = 0; i < cp.probs.length; i += 2) {
    const q = 1 / (1 + Math.exp(-(logit(cp.probs[i + t.positive]) - shift)));
    out[i + t.positive] = q;
    out[i + 1 - t.positive] = 1 - q;
  }
  return { classes: cp.classes, probs: out };
}
