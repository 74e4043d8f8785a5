/** Computes and caches the simulation's features once (runs/al-sim): `npx tsx bench/al-sim/features-once.ts`. */
import path from 'node:path';
import { loadSimDataset, simFeatures } from './sim-data.ts';

const root = path.resolve(import.meta.dirname, '../..');
for (const name of ['nih', 'kermany'] as const) {
  const images = loadSimDataset(path.join(root, '../shared/data/cxr'), name);
  const t0 = performance.now();
  const f = await simFeatures(
    images,
    name,
    path.join(root, 'resources/models/spcxr-vit-tiny'),
    path.join(root, 'runs/al-sim'),
    false,
    (d, t) => {
      if (d % 256 < 16)
        process.stderr.write(`${name} ${d}/${t} ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    },
  );
  console.log(`${name}: ${images.length} images, pooled3 ${f.pooled3?.length}`);
}
