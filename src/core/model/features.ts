import type { FeatureEntry, ProjectStore } from '../store/types.ts';
import { fromFloat16, toFloat16 } from '../util/f16.ts';
import type { Encoder } from './encoder.ts';
import type { FeatureArray, FeatureLayer, RunControl, ViewId } from './types.ts';
import { viewInput } from './views.ts';

/** The part of the project store the feature cache uses. */
export type FeatureStore = Pick<
  ProjectStore,
  'putFeatures' | 'getFeatures' | 'imagesWithFeatures' | 'invalidateFeatures' | 'readFeatureMatrix'
>;

/** Canonical model input of one image (size×size float32), from imaging's toModelInput. */
export type InputLoader = (imageId: number) => Promise<Float32Array>;

/** Token levels the segmentation decoder reads: blocks at 1/3 and 2/3 depth, and `final`. */
export function segLevels(depth: number): FeatureLayer[] {
  const a = Math.max(1, Math.round(depth / 3));
  const b = Math.max(a + 1, Math.round((2 * depth) / 3));
  return [`block${a}`, `block${Math.min(b, depth)}`, 'final'];
}

/**
 * Depths whose pooled vectors make `pooled3`: the middle block, the three-quarter block and
 * `final`. On cached Kermany features this lifted the small-set probe by 0.005–0.017 AUC at
 * 25–200 labels over `final` alone (docs/BENCHMARKS.md, "Heads").
 */
export function multiLevels(depth: number): string[] {
  return [`block${Math.round(depth / 2)}`, `block${Math.round((3 * depth) / 4)}`, 'final'];
}

/** ONNX outputs that a cached layer is derived from. */
function sourceOutputs(layer: FeatureLayer, depth: number): string[] {
  if (layer === 'pooled') return ['final'];
  if (layer === 'pooled3') return multiLevels(depth);
  return [layer];
}

/** The cached value of `layer` for item j of an encoder run. */
function derive(
  layer: FeatureLayer,
  res: Record<string, FeatureArray[]>,
  j: number,
  depth: number,
): FeatureArray {
  if (layer === 'pooled') return pooled(res.final[j]);
  if (layer !== 'pooled3') return res[layer][j];
  const parts = multiLevels(depth).map((l) => pooled(res[l][j]).data);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return { shape: [out.length], data: out };
}

/** Pooled vectors are tiny and feed the linear probe directly: they are cached exactly. */
export function isPooled(layer: string): boolean {
  return layer === 'pooled' || layer === 'pooled3';
}

const outputsOf = (layers: FeatureLayer[], depth: number) => [
  ...new Set(layers.flatMap((l) => sourceOutputs(l, depth))),
];

/** CLS ‖ mean of the patch tokens: the linear probe's [2D] input. */
export function pooled(tokens: FeatureArray): FeatureArray {
  const [n, d] = tokens.shape;
  const out = new Float32Array(2 * d);
  out.set(tokens.data.subarray(0, d));
  for (let t = 1; t < n; t++) for (let j = 0; j < d; j++) out[d + j] += tokens.data[t * d + j];
  for (let j = 0; j < d; j++) out[d + j] /= n - 1;
  return { shape: [2 * d], data: out };
}

/** The normalised value of a black pixel: what padding, shifts and warps fill with. */
export function blackLevel(encoder: Encoder): number {
  const p = encoder.card.preprocessing;
  return -p.mean / p.std;
}

function encode(
  imageId: number,
  encoderId: string,
  layer: FeatureLayer,
  view: ViewId,
  f: FeatureArray,
): FeatureEntry {
  const half = !isPooled(layer);
  const arr = half ? toFloat16(f.data) : f.data;
  return {
    imageId,
    encoderId,
    layer,
    view,
    dtype: half ? 'float16' : 'float32',
    shape: f.shape,
    data: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength),
  };
}

export function decodeEntry(e: FeatureEntry): FeatureArray {
  const bytes = new Uint8Array(e.data.byteLength);
  bytes.set(e.data);
  const data =
    e.dtype === 'float16' ? fromFloat16(new Uint16Array(bytes.buffer)) : new Float32Array(bytes.buffer);
  return { shape: e.shape, data };
}

/** Features of in-memory inputs without the cache (external evaluation sets). */
export async function computeFeatures(
  encoder: Encoder,
  inputs: Float32Array[],
  layers: FeatureLayer[],
): Promise<Record<string, FeatureArray[]>> {
  const depth = encoder.card.arch.depth;
  const res = await encoder.run(inputs, outputsOf(layers, depth));
  const out: Record<string, FeatureArray[]> = {};
  for (const layer of layers) out[layer] = inputs.map((_, j) => derive(layer, res, j, depth));
  return out;
}

export interface EnsureResult {
  computed: number;
  cached: number;
  invalidated: number;
  ms: number;
}

/**
 * Computes the missing cached features of `imageIds` for `layers` × `views`, once per image and
 * view, in encoder batches written one transaction per batch. Entries of other encoders are
 * dropped first (the cache is keyed by the encoder's sha256, so a new encoder never reads stale
 * tokens). Yields between batches, honours `signal`, reports progress.
 */
export async function ensureFeatures(
  store: FeatureStore,
  encoder: Encoder,
  imageIds: number[],
  loadInput: InputLoader,
  layers: FeatureLayer[],
  views: ViewId[] = [0],
  ctl: RunControl = {},
): Promise<EnsureResult> {
  const t0 = performance.now();
  const invalidated = store.invalidateFeatures(encoder.id);
  const depth = encoder.card.arch.depth;
  const outputs = outputsOf(layers, depth);
  const todo: Array<{ id: number; view: ViewId }> = [];
  for (const view of views) {
    const have = store.imagesWithFeatures(encoder.id, layers, view);
    for (const id of imageIds) if (!have.has(id)) todo.push({ id, view });
  }
  const total = todo.length;
  ctl.onProgress?.({ phase: 'features', done: 0, total });
  for (let i = 0; i < todo.length; i += encoder.batchSize) {
    ctl.signal?.throwIfAborted();
    const batch = todo.slice(i, i + encoder.batchSize);
    const inputs = await Promise.all(
      batch.map(async ({ id, view }) => {
        const x = await loadInput(id);
        return viewInput(x, view, encoder.size, encoder.card.arch.patch_size, id, blackLevel(encoder));
      }),
    );
    const res = await encoder.run(inputs, outputs);
    const entries: FeatureEntry[] = [];
    batch.forEach(({ id, view }, j) => {
      for (const layer of layers)
        entries.push(encode(id, encoder.id, layer, view, derive(layer, res, j, depth)));
    });
    store.putFeatures(entries);
    ctl.onProgress?.({ phase: 'features', done: Math.min(total, i + batch.length), total });
    await new Promise((r) => setImmediate(r));
  }
  return {
    computed: total,
    cached: imageIds.length * views.length - total,
    invalidated,
    ms: performance.now() - t0,
  };
}

/** Reads one layer for many images, in the order of `imageIds`; throws naming missing images. */
export function readFeatures(
  store: FeatureStore,
  encoderId: string,
  imageIds: number[],
  layer: FeatureLayer,
  view: ViewId = 0,
): FeatureArray[] {
  const byId = new Map<number, FeatureArray>();
  const CHUNK = 500;
  for (let i = 0; i < imageIds.length; i += CHUNK) {
    const keys = imageIds.slice(i, i + CHUNK).map((imageId) => ({ imageId, encoderId, layer, view }));
    for (const e of store.getFeatures(keys)) byId.set(e.imageId, decodeEntry(e));
  }
  const missing = imageIds.filter((id) => !byId.has(id));
  if (missing.length) {
    throw new Error(
      `feature cache: ${layer} view ${view} missing for image(s) ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}; compute features first`,
    );
  }
  return imageIds.map((id) => byId.get(id)!);
}

/** Copies stored bytes into a fresh aligned array (float16 widened to float32). */
export function decodeBytes(dtype: FeatureEntry['dtype'], bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return dtype === 'float16' ? fromFloat16(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
}

/**
 * One layer of many images as a row-major [n × dim] matrix, read in one streaming pass: what a
 * whole-project pass (suggestions, scoring) needs, without one query and one array per image.
 */
export function readFeatureMatrix(
  store: FeatureStore,
  encoderId: string,
  imageIds: number[],
  layer: FeatureLayer,
  view: ViewId = 0,
): { dim: number; data: Float32Array } {
  const m = store.readFeatureMatrix(encoderId, layer, view, imageIds, decodeBytes);
  if (m.missing.length) {
    const ids = m.missing;
    throw new Error(
      `feature cache: ${layer} view ${view} missing for image(s) ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? '…' : ''}; compute features first`,
    );
  }
  return { dim: m.dim, data: m.data };
}

/** Rows of a feature matrix as feature arrays (views, no copies). */
export function matrixRows(m: { dim: number; data: Float32Array }, from: number, to: number): FeatureArray[] {
  const out: FeatureArray[] = [];
  for (let i = from; i < to; i++)
    out.push({ shape: [m.dim], data: m.data.subarray(i * m.dim, (i + 1) * m.dim) });
  return out;
}
