/**
 * After a segmenter is trained: store its predictions, keyed by the model, for the images that
 * need them — a bounded sample of the active images without a mask of its class (the masks to
 * pre-fill for correction, see `MASK_CANDIDATES`) and the run's validation images (the sample
 * overlays of the model view). Images that are not chest radiographs, or are one frame of a
 * multi-frame object (the import's warnings), are never predicted nor offered for correction.
 * Each prediction carries the binary mask, the per-pixel uncertainty (for the overlay) and the
 * MaskStats the active-learning pass ranks by, so neither the viewer nor the next suggestion
 * pass runs the decoder again.
 */
import { z } from 'zod';
import { sample } from '../active/candidate-pool.ts';
import type { MaskStats } from '../active/types.ts';
import { entropyMap, statsOfProbBytes } from '../active/uncertainty-map.ts';
import { encodeGrayPng } from '../imaging/index.ts';
import { lungMaskUnfit } from '../import/warnings.ts';
import type { RunControl } from '../model/types.ts';
import { DEFAULT_MASK_CLASS, type PredictionWrite, type ProjectStore } from '../store/types.ts';
import { segmenterConfig } from '../train/model-config.ts';
import type { EngineOptions } from '../train/types.ts';

/** Stored MaskStats (JSON) are read back through this: a malformed row is ignored, not trusted. */
const MaskStatsSchema: z.ZodType<MaskStats> = z.object({
  meanEntropy: z.number(),
  boundaryEntropy: z.number(),
  unsureBorder: z.number(),
  area: z.number(),
  confidence: z.number(),
});

export interface SegPredictionsResult {
  modelId: number;
  /** Images predicted now. */
  predicted: number;
  /** Of those, images without a mask (pre-fills). */
  unmasked: number;
  ms: number;
}

/**
 * Unmasked images predicted per training, and ranked per suggestion pass. The queue serves 10
 * masks a pass and a retrain follows a few corrections, so a few hundred candidates keep the
 * served ones in the top few per cent of the project's mask uncertainty while the decoder (4
 * encoder passes per image) runs on at most this many images, at 500 images or at 100,000.
 * A stable seeded sample: the same images are re-predicted by the next model, and images the
 * user masks are replaced by others. Smaller projects predict every unmasked image.
 */
export const MASK_CANDIDATES = 500;

/** Up to `cap` of these (unmasked, eligible) images, the same ones from pass to pass. */
export function maskCandidates(ids: number[], cap = MASK_CANDIDATES): number[] {
  if (ids.length <= cap) return ids;
  return sample(
    ids.map((_, i) => i),
    ids.map(String),
    cap,
    1,
  ).map((i) => ids[i]);
}

/** Active images kept out of lung-mask work, with the reason (not a chest radiograph, multi-frame). */
export function lungMaskExcluded(store: ProjectStore, imageIds?: number[]): Map<number, string> {
  const out = new Map<number, string>();
  const rows = imageIds
    ? imageIds.map((id) => store.getImage(id)).filter((r) => r !== null)
    : store.listImages({ status: 'active', limit: 1e9 }).items;
  for (const r of rows) {
    const why = lungMaskUnfit(r.meta);
    if (why) out.set(r.id, why);
  }
  return out;
}

/**
 * Images a segmenter should predict: up to `MASK_CANDIDATES` unmasked active images of its
 * class (chest radiographs only), then its validation images.
 */
export function segPredictionTargets(
  store: ProjectStore,
  modelId: number,
): { unmasked: number[]; val: number[] } {
  const row = store.getModel(modelId);
  if (row?.kind !== 'segment') return { unmasked: [], val: [] };
  const maskClass = typeof row.config.maskClass === 'string' ? row.config.maskClass : DEFAULT_MASK_CLASS;
  const masked = new Set(store.listMasks(maskClass).map((m) => m.imageId));
  const unmasked = store
    .listImages({ status: 'active', limit: 1e9 })
    .items.filter((i) => !masked.has(i.id) && !lungMaskUnfit(i.meta))
    .map((i) => i.id);
  const perImage = (row.metrics.perImage ?? []) as Array<{ imageId?: number }>;
  const val = perImage.map((p) => p.imageId).filter((id): id is number => typeof id === 'number');
  return { unmasked: maskCandidates(unmasked), val };
}

export async function storeSegPredictions(
  store: ProjectStore,
  modelId: number,
  o: Pick<EngineOptions, 'provider' | 'encoderDir'> & { imageIds?: number[] } = {},
  ctl: RunControl = {},
): Promise<SegPredictionsResult> {
  const t0 = performance.now();
  const { initTf } = await import('../train/backend.ts');
  const { openModel, encoderForModel } = await import('../train/predict.ts');
  const { loadSegmenter } = await import('../train/segment.ts');
  await initTf();
  const { row, weights } = openModel(store, modelId);
  if (row.kind !== 'segment') throw new Error(`model ${modelId} is a ${row.kind} model, not a segmenter`);
  let ids: number[];
  if (o.imageIds) {
    // Named images too: a non-chest or multi-frame one is never given a predicted lung mask.
    const excluded = lungMaskExcluded(store, o.imageIds);
    ids = o.imageIds.filter((id) => !excluded.has(id));
  } else {
    const t = segPredictionTargets(store, modelId);
    ids = [...new Set([...t.unmasked, ...t.val])];
  }
  const encoder = await encoderForModel(store, row, o);
  const s = loadSegmenter(segmenterConfig(row), weights);
  try {
    const B = encoder.batchSize;
    for (let i = 0; i < ids.length; i += B) {
      ctl.signal?.throwIfAborted();
      const part = ids.slice(i, i + B);
      const out = await s.predictFiles(
        encoder,
        part.map((id) => store.imagePath(store.getImage(id)!)),
      );
      const writes: PredictionWrite[] = [];
      for (let j = 0; j < part.length; j++) {
        const p = out[j];
        writes.push({
          imageId: part[j],
          mask: await encodeGrayPng(p.mask, p.width, p.height),
          uncertainty: await encodeGrayPng(entropyMap(p.prob, s.config.size, p.geometry), p.width, p.height),
          maskStats: { ...statsOfProbBytes(p.prob, s.config.size) },
        });
      }
      store.putPredictions(row.id, writes);
      ctl.onProgress?.({ phase: 'predict masks', done: Math.min(ids.length, i + B), total: ids.length });
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    s.dispose();
  }
  const maskClass = typeof row.config.maskClass === 'string' ? row.config.maskClass : DEFAULT_MASK_CLASS;
  const masked = new Set(store.listMasks(maskClass).map((m) => m.imageId));
  return {
    modelId: row.id,
    predicted: ids.length,
    unmasked: ids.filter((id) => !masked.has(id)).length,
    ms: Math.round(performance.now() - t0),
  };
}

/** The stored MaskStats of `modelId` for these images (missing or malformed ones are left out). */
export function storedMaskStats(
  store: ProjectStore,
  modelId: number,
  imageIds: number[],
): Map<number, MaskStats> {
  const out = new Map<number, MaskStats>();
  for (const p of store.getPredictions(modelId, imageIds)) {
    const ok = MaskStatsSchema.safeParse(p.maskStats);
    if (ok.success) out.set(p.imageId, ok.data);
  }
  return out;
}
