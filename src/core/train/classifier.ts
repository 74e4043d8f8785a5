import type { Encoder } from '../model/encoder.ts';
import { type FeatureStore, readFeatures } from '../model/features.ts';
import { parseSafetensors, writeSafetensors } from '../model/safetensors.ts';
import type { FeatureArray, FeatureLayer } from '../model/types.ts';
import { tf } from './backend.ts';
import { blocksHead } from './blocks-head.ts';
import { softmaxRow } from './calibrate.ts';
import { type Batcher, predictLogits } from './fit.ts';
import { attentiveHead, type Head, headWeights, linearHead, loadHeadWeights } from './heads.ts';
import type { ClassifierHead } from './types.ts';

/** Below this many labelled images the linear head's estimate comes from repeated CV. */
export const CV_LIMIT = 1000;

/** What a saved classifier needs to be rebuilt and to score. Stored as the model's config. */
export interface ClassifierConfig {
  head: ClassifierHead;
  classes: string[];
  layer: FeatureLayer;
  dim: number;
  temperature: number;
  /** Two-class tasks: index of the positive class and its decision threshold (Youden on val). */
  positive: number | null;
  threshold: number | null;
  /** Added to the logits after temperature scaling (site recalibration's intercept). */
  logitBias?: number[];
  encoder: { id: string; name: string; depth: number; numHeads: number; lnEps: number; mlpRatio: number };
  hyper: Record<string, number | boolean>;
}

/**
 * Which cached layer a head reads. The linear head reads three depths below `CV_LIMIT` labels
 * (measured better there) and `final` alone above, where its exact fit over 3× the columns
 * would cost 9× the time per Newton step.
 */
export function headLayer(head: ClassifierHead, depth: number, labels = 0): FeatureLayer {
  if (head === 'linear') return labels < CV_LIMIT ? 'pooled3' : 'pooled';
  if (head === 'attentive') return 'final';
  const k = Number(head.split(':')[1]);
  if (!(k >= 1 && k < depth)) throw new Error(`head ${head}: k must be between 1 and ${depth - 1}`);
  return `block${depth - k}`;
}

export function encoderInfo(e: Encoder): ClassifierConfig['encoder'] {
  const a = e.card.arch;
  return {
    id: e.id,
    name: e.card.name,
    depth: a.depth,
    numHeads: a.num_heads,
    lnEps: a.ln_eps,
    mlpRatio: a.mlp_ratio,
  };
}

/** Builds a fresh head for a config; `init` supplies linear-probe standardisation and encoder weights. */
export function buildHead(
  cfg: ClassifierConfig,
  seed: number,
  init: { mean?: Float32Array; std?: Float32Array; encoderWeights?: string } = {},
): Head {
  const c = cfg.classes.length;
  if (cfg.head === 'linear') {
    const d = cfg.dim * (cfg.layer === 'pooled3' ? 6 : 2);
    return linearHead(d, c, init.mean ?? new Float32Array(d), init.std ?? new Float32Array(d).fill(1), seed);
  }
  if (cfg.head === 'attentive') return attentiveHead(cfg.dim, c, seed);
  const k = Number(cfg.head.split(':')[1]);
  return blocksHead(cfg.encoder, cfg.dim, k, c, seed, init.encoderWeights);
}

/**
 * In-memory batcher over per-image feature arrays (vectors or token matrices). With `keepAll`
 * (small inputs: pooled vectors) the full set in natural order is built once and reused.
 */
export function featureBatcher(feats: FeatureArray[], keepAll = false): Batcher {
  const shape = feats[0]?.shape ?? [0];
  const size = shape.reduce((a, b) => a * b, 1);
  let all: tf.Tensor | undefined;
  return {
    n: feats.length,
    cached: keepAll,
    dispose: () => all?.dispose(),
    batch(idx) {
      if (keepAll && idx.length === feats.length && idx.every((v, i) => v === i)) {
        if (!all) {
          const buf = new Float32Array(feats.length * size);
          for (let i = 0; i < feats.length; i++) buf.set(feats[i].data, i * size);
          all = tf.tensor(buf, [feats.length, ...shape]);
        }
        return all;
      }
      const buf = new Float32Array(idx.length * size);
      for (let i = 0; i < idx.length; i++) buf.set(feats[idx[i]].data, i * size);
      return tf.tensor(buf, [idx.length, ...shape]);
    },
  };
}

/** Per-feature mean and std (floored) over training vectors, for the linear probe. */
export function standardise(feats: FeatureArray[]): { mean: Float32Array; std: Float32Array } {
  const d = feats[0].data.length;
  const mean = new Float32Array(d);
  const sq = new Float64Array(d);
  for (const f of feats) for (let j = 0; j < d; j++) mean[j] += f.data[j] / feats.length;
  for (const f of feats) for (let j = 0; j < d; j++) sq[j] += (f.data[j] - mean[j]) ** 2 / feats.length;
  const std = Float32Array.from(sq, (v) => Math.max(Math.sqrt(v), 1e-3));
  return { mean, std };
}

export function serialiseHead(h: Head, cfg: ClassifierConfig): Uint8Array {
  return writeSafetensors(headWeights(h), { config: JSON.stringify(cfg) });
}

/** A loaded classifier: scores cached features into calibrated class probabilities. */
export interface LoadedClassifier {
  config: ClassifierConfig;
  head: Head;
  /** Calibrated probabilities, one row per image. */
  score(feats: FeatureArray[]): number[][];
  dispose(): void;
}

export function loadClassifier(cfg: ClassifierConfig, weights: Uint8Array): LoadedClassifier {
  const head = buildHead(cfg, 0);
  loadHeadWeights(head, parseSafetensors(weights, 'classifier weights').tensors);
  return {
    config: cfg,
    head,
    score(feats) {
      const c = cfg.classes.length;
      const logits = predictLogits(head, featureBatcher(feats), c);
      const bias = cfg.logitBias;
      if (bias) for (let i = 0; i < logits.length; i++) logits[i] += bias[i % c] * cfg.temperature;
      return feats.map((_, i) => softmaxRow(logits, i * c, c, cfg.temperature));
    },
    dispose() {
      for (const v of Object.values(head.vars)) v.dispose();
      for (const t of Object.values(head.consts)) t.dispose();
    },
  };
}

/** Scores project images from the feature cache (features must exist). */
export function scoreCached(store: FeatureStore, m: LoadedClassifier, ids: number[]): number[][] {
  const out: number[][] = [];
  const CHUNK = 1000;
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(...m.score(readFeatures(store, m.config.encoder.id, ids.slice(i, i + CHUNK), m.config.layer)));
  }
  return out;
}
