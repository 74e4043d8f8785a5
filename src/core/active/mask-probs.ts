import type { Encoder } from '../model/encoder.ts';
import { ensureFeatures } from '../model/features.ts';
import { modelInputFromFile } from '../model/input.ts';
import { parseSafetensors } from '../model/safetensors.ts';
import type { RunControl } from '../model/types.ts';
import type { ModelRow, ProjectStore } from '../store/types.ts';
import { initTf } from '../train/backend.ts';
import { projectInputLoader } from '../train/engine.ts';
import { disposeHead, loadHeadWeights } from '../train/heads.ts';
import { segmenterConfig } from '../train/model-config.ts';
import { segHead } from '../train/seg-head.ts';
import { cachedGrids, gridViews } from '../train/seg-input.ts';
import { segLogits } from '../train/segment.ts';
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
  const cfg = segmenterConfig(row);
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
      const n = cfg.size * cfg.size;
      const blank = new Float32Array(n);
      const inputs = part.map((_, j) => ({
        grid: grid.subarray(j * g * g * cfg.levels * cfg.dim, (j + 1) * g * g * cfg.levels * cfg.dim),
        image: image ? image.subarray(j * n, (j + 1) * n) : blank,
      }));
      // The segmenter's own inference (segLogits); probabilities, not the binary stored masks.
      const logits = await segLogits(head, cfg, inputs);
      part.forEach((id, j) => {
        const p = Float32Array.from(logits[j], (v) => 1 / (1 + Math.exp(-v)));
        out.set(id, maskStats(p, cfg.size, cfg.size));
      });
      ctl.onProgress?.({
        phase: 'mask uncertainty',
        done: Math.min(imageIds.length, i + B),
        total: imageIds.length,
      });
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    disposeHead(head);
  }
  return out;
}
