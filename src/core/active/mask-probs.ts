import type { Encoder } from '../model/encoder.ts';
import { ensureFeatures } from '../model/features.ts';
import { modelInputFromFile } from '../model/input.ts';
import { parseSafetensors } from '../model/safetensors.ts';
import type { RunControl } from '../model/types.ts';
import type { ModelRow, ProjectStore } from '../store/types.ts';
import { initTf, tf } from '../train/backend.ts';
import { projectInputLoader } from '../train/engine.ts';
import { loadHeadWeights } from '../train/heads.ts';
import { segHead } from '../train/seg-head.ts';
import { cachedGrids, gridViews } from '../train/seg-input.ts';
import type { SegmenterConfig } from '../train/segment.ts';
import type { MaskStats } from './types.ts';
import { maskStats } from './uncertainty.ts';

/**
 * Stats of the newest segmenter per project. An image's stats depend only on the model and the
 * image, and the dense decoder costs 4 encoder passes plus an image-branch forward per image, so
 * repeated suggestion passes only score images this model has not seen.
 */
const memo = new Map<string, { modelId: number; stats: Map<number, MaskStats> }>();

/**
 * Mask uncertainty needs the segmenter's probabilities, which stored predictions (binary
 * masks) drop: run the saved decoder on cached tokens and keep sigmoid(logits) per pixel.
 */
export async function segmenterMaskStats(
  store: ProjectStore,
  row: ModelRow,
  encoder: Encoder,
  imageIds: number[],
  ctl: RunControl = {},
): Promise<Map<number, MaskStats>> {
  let m = memo.get(store.dir);
  if (!m || m.modelId !== row.id) {
    m = { modelId: row.id, stats: new Map() };
    memo.set(store.dir, m);
  }
  const known = m.stats;
  const todo = imageIds.filter((id) => !known.has(id));
  if (todo.length)
    for (const [id, st] of await computeMaskStats(store, row, encoder, todo, ctl)) known.set(id, st);
  return new Map(imageIds.map((id) => [id, known.get(id)!]));
}

async function computeMaskStats(
  store: ProjectStore,
  row: ModelRow,
  encoder: Encoder,
  imageIds: number[],
  ctl: RunControl,
): Promise<Map<number, MaskStats>> {
  const weights = store.getModelWeights(row.id);
  if (!weights) throw new Error(`segmentation model ${row.id} has no stored weights`);
  const cfg = row.config as unknown as SegmenterConfig;
  await initTf();
  const head = segHead(cfg, 0);
  loadHeadWeights(head, parseSafetensors(weights, `model ${row.id} weights`).tensors);
  const out = new Map<number, MaskStats>();
  try {
    const views = gridViews(cfg, 0, false);
    await ensureFeatures(
      store,
      encoder,
      imageIds,
      projectInputLoader(store, encoder),
      cfg.layers,
      views,
      ctl,
    );
    const B = 8;
    for (let i = 0; i < imageIds.length; i += B) {
      ctl.signal?.throwIfAborted();
      const part = imageIds.slice(i, i + B);
      const g = cfg.grid;
      const grid = new Float32Array(part.length * g * g * cfg.levels * cfg.dim);
      cachedGrids(store, encoder, part, cfg, 0, false).forEach((x, j) => {
        grid.set(x, j * x.length);
      });
      let image: Float32Array | null = null;
      if (cfg.stem || cfg.branch) {
        image = new Float32Array(part.length * cfg.size * cfg.size);
        for (let j = 0; j < part.length; j++) {
          const img = store.getImage(part[j])!;
          image.set(
            (await modelInputFromFile(store.imagePath(img), encoder.card)).data,
            j * cfg.size * cfg.size,
          );
        }
      }
      const probs = tf.tidy(() => {
        const tokens = tf.tensor4d(grid, [part.length, g, g, cfg.levels * cfg.dim]);
        const im = image ? tf.tensor4d(image, [part.length, cfg.size, cfg.size, 1]) : null;
        return tf.sigmoid(head.forwardSeg(tokens, im));
      });
      const [, h, w] = probs.shape;
      const data = (await probs.data()) as Float32Array;
      probs.dispose();
      part.forEach((id, j) => {
        out.set(id, maskStats(data.subarray(j * h * w, (j + 1) * h * w), w, h));
      });
      ctl.onProgress?.({
        phase: 'mask uncertainty',
        done: Math.min(imageIds.length, i + B),
        total: imageIds.length,
      });
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    for (const v of Object.values(head.vars)) v.dispose();
    for (const t of Object.values(head.consts)) t.dispose();
  }
  return out;
}
