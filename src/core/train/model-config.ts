/**
 * The stored config of a trained head, versioned and parsed. Training writes `configVersion`;
 * readers call `classifierConfig` / `segmenterConfig`, which migrate an older config (no version:
 * written before this parser) and validate it, so a head is never built from a cast. A config
 * that cannot be read names the model and what is missing instead of failing inside TF.js.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { ModelRow } from '../store/types.ts';
import type { ClassifierConfig } from './classifier.ts';
import type { SegmenterConfig } from './segment.ts';

/** 2: `configVersion` itself; 1 (absent): everything older. */
export const CONFIG_VERSION = 2;

const EncoderRef = z.object({
  id: z.string(),
  name: z.string(),
  depth: z.number().int().positive(),
  numHeads: z.number().int().positive(),
  lnEps: z.number(),
  mlpRatio: z.number(),
});
const Layer = z.union([
  z.enum(['pooled', 'pooled3', 'final']),
  z.templateLiteral(['block', z.number().int()]),
]);
const Hyper = z.record(z.string(), z.union([z.number(), z.boolean()]));

/** What training records beside the head (split sizes, validation ids, out-of-fold predictions). */
const Recorded = {
  trainImages: z.number().int().optional(),
  valImages: z.number().int().optional(),
  valImageIds: z.array(z.number().int()).optional(),
  outOfFold: z
    .object({ imageIds: z.array(z.number().int()), probs: z.array(z.array(z.number())) })
    .optional(),
};

const Classifier = z.looseObject({
  configVersion: z.literal(CONFIG_VERSION),
  head: z.enum(['linear', 'attentive', 'blocks:1', 'blocks:2']),
  classes: z.array(z.string()).min(1),
  layer: Layer,
  dim: z.number().int().positive(),
  temperature: z.number().positive(),
  positive: z.number().int().nonnegative().nullable(),
  threshold: z.number().nullable(),
  logitBias: z.array(z.number()).optional(),
  encoder: EncoderRef,
  hyper: Hyper,
  ...Recorded,
});

const Segmenter = z.looseObject({
  configVersion: z.literal(CONFIG_VERSION),
  size: z.number().int().positive(),
  grid: z.number().int().positive(),
  dim: z.number().int().positive(),
  levels: z.number().int().positive(),
  width: z.number().int().positive(),
  stem: z.boolean(),
  ctx: z.number().int().nonnegative().optional(),
  branch: z.number().int().nonnegative().optional(),
  dense: z.boolean().optional(),
  layers: z.array(Layer).min(1),
  maskClass: z.string().min(1),
  encoder: EncoderRef,
  hyper: z.record(z.string(), z.number()),
  augViews: z.number().int().nonnegative().optional(),
  tta: z.boolean().optional(),
  ...Recorded,
});

export type StoredClassifierConfig = z.output<typeof Classifier>;
export type StoredSegmenterConfig = z.output<typeof Segmenter>;

// The parsed configs are the configs the heads are built from (checked here, at compile time).
const _classifier = (c: StoredClassifierConfig): ClassifierConfig => c;
const _segmenter = (c: StoredSegmenterConfig): SegmenterConfig => c;
void _classifier;
void _segmenter;

type Row = Pick<ModelRow, 'id' | 'kind' | 'config'>;

/**
 * Version 1 → 2. Fields added over time get the value that reproduces the old behaviour:
 * no temperature scaling, no threshold (argmax), no positive class, empty hyper-parameters,
 * the linear head's single pooled layer and the lung decoder's mask class.
 */
function migrate(cfg: Record<string, unknown>, kind: Row['kind']): Record<string, unknown> {
  const version = typeof cfg.configVersion === 'number' ? cfg.configVersion : 1;
  if (version >= CONFIG_VERSION) return cfg;
  const out: Record<string, unknown> = { hyper: {}, ...cfg, configVersion: CONFIG_VERSION };
  if (kind === 'classify') {
    out.temperature ??= 1;
    out.threshold ??= null;
    out.positive ??= null;
    out.layer ??= out.head === 'attentive' ? 'final' : 'pooled';
  } else {
    out.maskClass ??= 'lung';
  }
  return out;
}

function parse<S extends z.ZodType>(schema: S, row: Row, kind: Row['kind']): z.output<S> {
  if (row.kind !== kind)
    throw new InvalidInputError(`model ${row.id} is a ${row.kind} model, not a ${kind} model`);
  const r = schema.safeParse(migrate(row.config, kind));
  if (r.success) return r.data;
  const what = r.error.issues
    .slice(0, 4)
    .map((i) => `${i.path.map(String).join('.') || 'config'}: ${i.message}`)
    .join('; ');
  throw new InvalidInputError(`model ${row.id}: its stored config cannot be used (${what}); retrain it`);
}

export const classifierConfig = (row: Row): StoredClassifierConfig => parse(Classifier, row, 'classify');
export const segmenterConfig = (row: Row): StoredSegmenterConfig => parse(Segmenter, row, 'segment');
