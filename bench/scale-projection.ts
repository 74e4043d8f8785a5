/**
 * Per-image cost of real 1024² NIH radiographs, for the 112k projection in docs/BENCHMARKS.md.
 * The shared data holds one NIH CXR at full resolution (the DICOM reference render
 * nih_cxr_DX_implicitLE_8bit, 1024×1024, 474 KB); N copies with one pixel changed each (distinct
 * bytes and hashes, the same compressed size) go through the real `spcxr import` (wall time,
 * peak RSS from /usr/bin/time) and then the feature pass (real decode, model input and encoder),
 * and the per-image figures are scaled to 112,120 images.
 *   nice -n 5 npx tsx bench/scale-projection.ts [N=120]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ensureFeatures } from '../src/core/model/features.ts';
import { openProject } from '../src/core/store/index.ts';
import { getEncoder, projectInputLoader } from '../src/core/train/engine.ts';

const N = Number(process.argv[2] ?? 120);
const FULL = 112_120;
const root = path.resolve(import.meta.dirname, '..');
const src = path.resolve(root, '../shared/data/dicom/ref_png/share/nih_cxr_DX_implicitLE_8bit.dcm.png');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-proj-'));
const imgs = path.join(work, 'nih');
fs.mkdirSync(imgs);
const { data, info } = await sharp(src).grayscale().raw().toBuffer({ resolveWithObject: true });
for (let i = 0; i < N; i++) {
  const px = Buffer.from(data);
  px[i] = (px[i] + 1) % 256;
  await sharp(px, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png()
    .toFile(path.join(imgs, `nih_${String(i).padStart(4, '0')}.png`));
}
const bytes = fs.readdirSync(imgs).reduce((a, f) => a + fs.statSync(path.join(imgs, f)).size, 0);
const proj = path.join(work, 'p');
const bin = path.join(root, 'bin/spcxr.mjs');
execFileSync(process.execPath, [bin, 'init', proj, '--classes', 'normal,pneumonia'], { stdio: 'ignore' });
const t0 = performance.now();
const timeOut = spawnSync('/usr/bin/time', ['-v', process.execPath, bin, 'import', proj, imgs, '--json'], {
  encoding: 'utf8',
  stdio: ['ignore', 'ignore', 'pipe'],
}).stderr;
const importS = (performance.now() - t0) / 1000;
const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timeOut)?.[1] ?? 0);

const store = openProject(proj);
const ids = store.listImages({ limit: -1 }).items.map((i) => i.id);
const encoder = await getEncoder(store);
const t1 = performance.now();
await ensureFeatures(store, encoder, ids, projectInputLoader(store, encoder), ['pooled']);
const featS = (performance.now() - t1) / 1000;
store.close();
const dbBytes = fs.statSync(path.join(proj, 'project.sqlite')).size;
const copies = fs
  .readdirSync(path.join(proj, 'images'), { recursive: true })
  .map((f) => path.join(proj, 'images', String(f)))
  .filter((f) => fs.statSync(f).isFile())
  .reduce((a, f) => a + fs.statSync(f).size, 0);
const feat = fs.statSync(path.join(proj, 'cache/features.sqlite')).size;

const per = (x: number) => x / N;
const gb = (b: number) => (b / 2 ** 30).toFixed(1);
const h = (s: number) => (s / 3600).toFixed(2);
console.log(
  `real 1024² NIH, ${N} images, ${(bytes / N / 1024).toFixed(0)} KB each; ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`,
);
console.log(
  `import: ${(N / importS).toFixed(1)} img/s, peak RSS ${Math.round(peakKb / 1024)} MB → 112,120 images in ${h(FULL / (N / importS))} h`,
);
console.log(
  `features (decode + model input + encoder, pooled): ${(N / featS).toFixed(1)} img/s → ${h(FULL / (N / featS))} h`,
);
console.log(
  `disk per image: copy ${(per(copies) / 1024).toFixed(0)} KB, database ${(per(dbBytes) / 1024).toFixed(1)} KB, features ${(per(feat) / 1024).toFixed(1)} KB → 112,120 images: copies ${gb(per(copies) * FULL)} GB, project.sqlite ${gb(per(dbBytes) * FULL)} GB, features ${gb(per(feat) * FULL)} GB`,
);
console.log(
  `pooled feature matrix of a pass over 112,120 images: ${Math.round((FULL * 384 * 4) / 2 ** 20)} MB`,
);
fs.rmSync(work, { recursive: true, force: true });
