/**
 * Cached pooled features (CLS ‖ mean patch) of every encoder block and `final`, for the plain
 * and the flipped view, of the NIH and Kermany sets: the input of bench/heads.ts. Written once
 * to runs/heads/ (git-ignored); later runs read it in seconds.
 *
 *   node bench/heads-data.ts [--data ../shared/data/cxr] [--encoder resources/models/spcxr-vit-tiny]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeFile, renderDisplay, toModelInput } from '../src/core/imaging/index.ts';
import { Encoder } from '../src/core/model/encoder.ts';
import { blackLevel, pooled } from '../src/core/model/features.ts';
import { viewInput } from '../src/core/model/views.ts';
import { loadSimDataset, type SimDatasetName, type SimImage } from './al-sim/sim-data.ts';

export interface HeadsData {
  images: SimImage[];
  /** Layer names in column-block order. */
  layers: string[];
  /** Width of one layer's pooled vector (2D). */
  width: number;
  /** [view][n × layers·width]. */
  views: Float32Array[];
}

export async function headsData(
  name: SimDatasetName,
  dataRoot = '../shared/data/cxr',
  encoderDir = 'resources/models/spcxr-vit-tiny',
): Promise<HeadsData> {
  const images = loadSimDataset(dataRoot, name);
  const encoder = await Encoder.load(encoderDir);
  try {
    const depth = encoder.card.arch.depth;
    const layers = [...Array.from({ length: depth }, (_, i) => `block${i + 1}`), 'final'];
    const width = 2 * encoder.dim;
    const row = layers.length * width;
    const dir = path.join('runs', 'heads');
    const base = path.join(dir, `${name}-${encoder.id.slice(0, 16)}-${images.length}`);
    const views: Float32Array[] = [];
    for (const view of [0, 1]) {
      const file = `${base}.v${view}.f32`;
      if (existsSync(file)) {
        const b = readFileSync(file);
        views.push(new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
        continue;
      }
      const out = new Float32Array(images.length * row);
      const t0 = performance.now();
      for (let i = 0; i < images.length; i += encoder.batchSize) {
        const batch = images.slice(i, i + encoder.batchSize);
        const inputs = await Promise.all(
          batch.map(async (im, j) => {
            const dec = await decodeFile(im.file);
            const x = toModelInput(
              renderDisplay(dec),
              dec.width,
              dec.height,
              encoder.card.preprocessing,
            ).data;
            return viewInput(x, view, encoder.size, encoder.card.arch.patch_size, i + j, blackLevel(encoder));
          }),
        );
        const res = await encoder.run(inputs, layers);
        batch.forEach((_, j) => {
          layers.forEach((l, k) => {
            out.set(pooled(res[l][j]).data, (i + j) * row + k * width);
          });
        });
        if (i % 400 === 0)
          console.error(
            `${name} view ${view}: ${i}/${images.length} ${((performance.now() - t0) / 1000).toFixed(0)} s`,
          );
      }
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, Buffer.from(out.buffer));
      views.push(out);
    }
    return { images, layers, width, views };
  } finally {
    await encoder.dispose();
  }
}

if (process.argv[1]?.endsWith('heads-data.ts')) {
  for (const n of ['nih', 'kermany'] as const) {
    const d = await headsData(n);
    console.log(`${n}: ${d.images.length} images, ${d.layers.length} layers × ${d.width}`);
  }
}
