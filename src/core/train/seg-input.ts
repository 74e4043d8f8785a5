import type { Encoder } from '../model/encoder.ts';
import { blackLevel, computeFeatures, readFeatures } from '../model/features.ts';
import type { FeatureArray, FeatureLayer } from '../model/types.ts';
import { denseGrid, denseViews, flipSquare, viewInput } from '../model/views.ts';
import type { ProjectStore } from '../store/types.ts';
import { tokenGrid } from './seg-head.ts';

/** What the decoder reads for one image view: the token grid and the (unshifted) image. */
export interface SegInput {
  grid: Float32Array;
  image: Float32Array;
}

interface GridConfig {
  layers: FeatureLayer[];
  dim: number;
  dense?: boolean;
}

/** Views whose cached tokens make the grid of (aug, flip): 4 shifted views dense, else 0 / 1. */
export function gridViews(cfg: GridConfig, aug: number, flip: boolean): number[] {
  if (cfg.dense) return denseViews(aug, flip);
  if (aug) throw new Error('augmented views need the dense grid');
  return [flip ? 1 : 0];
}

/** Image i's decoder grid from [view][level][image] tokens: interleaved if dense, else view 0. */
function gridOf(byView: FeatureArray[][][], i: number, G: number, cfg: GridConfig): Float32Array {
  const tokens = byView.map((lv) => lv.map((a) => a[i].data));
  return cfg.dense ? denseGrid(tokens, G, cfg.dim) : tokenGrid(tokens[0], G, cfg.dim);
}

/** Grids of cached images (features must be ensured for gridViews(cfg, aug, flip)). */
export function cachedGrids(
  store: ProjectStore,
  encoder: Encoder,
  ids: number[],
  cfg: GridConfig,
  aug: number,
  flip: boolean,
): Float32Array[] {
  const G = encoder.size / encoder.card.arch.patch_size;
  const byView = gridViews(cfg, aug, flip).map((v) =>
    cfg.layers.map((l) => readFeatures(store, encoder.id, ids, l, v)),
  );
  return ids.map((_, i) => gridOf(byView, i, G, cfg));
}

/** Decoder inputs of in-memory canonical inputs (prediction; no cache), optionally flipped. */
export async function computeSegInputs(
  encoder: Encoder,
  inputs: Float32Array[],
  cfg: GridConfig,
  flip: boolean,
): Promise<SegInput[]> {
  const G = encoder.size / encoder.card.arch.patch_size;
  const fill = blackLevel(encoder);
  const P = encoder.card.arch.patch_size;
  const views = gridViews(cfg, 0, flip);
  const perView: FeatureArray[][][] = [];
  for (const v of views) {
    const xs = inputs.map((x) => viewInput(x, v, encoder.size, P, 0, fill));
    const f = await computeFeatures(encoder, xs, cfg.layers);
    perView.push(cfg.layers.map((l) => f[l]));
  }
  return inputs.map((x, i) => ({
    image: flip ? flipSquare(x, encoder.size) : x,
    grid: gridOf(perView, i, G, cfg),
  }));
}
