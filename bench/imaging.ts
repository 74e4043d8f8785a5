/**
 * Imaging benchmarks (issue 2). Run: npx tsx bench/imaging.ts [--quick]
 * 1. NIH PNGs: decodeFile + renderDisplay + makeThumbnail vs a plain sharp loop (decode +
 *    the same WebP thumbnail) on the same files, alternating chunks; prints the ratio.
 * 2. Large DICOMs from ../shared/data/dicom (≈2k² native 15-bit, 1760² JPEG 2000, 12-bit JPEG):
 *    per-stage time of decode, display, thumbnail and the 224² model input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import {
  decodeBuffer,
  decodeFile,
  makeThumbnail,
  renderDisplay,
  toModelInput,
} from '../src/core/imaging/index.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.resolve(ROOT, '../shared/data');
const quick = process.argv.includes('--quick');
const log = (s: string) => process.stdout.write(`${s}\n`);

async function pngs() {
  const dir = path.join(DATA, 'cxr/nih_cxr14_talo/images');
  const files = readdirSync(dir)
    .sort()
    .slice(0, quick ? 200 : 1000)
    .map((f) => path.join(dir, f));
  for (const f of files) readFileSync(f);
  let peer = 0;
  let ours = 0;
  // CPU time of the whole process (libvips threads included) does not depend on machine load.
  let peerCpu = 0;
  let oursCpu = 0;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let c = 0; c < files.length; c += 100) {
    const chunk = files.slice(c, c + 100);
    let t = performance.now();
    let c0 = cpu();
    for (const f of chunk) {
      await sharp(f)
        .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 80, effort: 2 })
        .toBuffer();
    }
    peer += performance.now() - t;
    peerCpu += cpu() - c0;
    t = performance.now();
    c0 = cpu();
    for (const f of chunk) {
      const img = await decodeFile(f);
      await makeThumbnail(renderDisplay(img), img.width, img.height);
    }
    ours += performance.now() - t;
    oursCpu += cpu() - c0;
  }
  const n = files.length;
  log(
    `| NIH PNG 256², ${n} files | ${((n / ours) * 1000).toFixed(0)} img/s | peer sharp ${((n / peer) * 1000).toFixed(0)} img/s | ratio ${(peer / ours).toFixed(2)} | CPU ms/img ${(oursCpu / n).toFixed(2)} vs ${(peerCpu / n).toFixed(2)} |`,
  );
}

async function dicoms() {
  for (const f of ['cxr_RG1_15bit_explicitLE.dcm', 'RG3_J2KI_CR_extremity.dcm', 'JPGExtended_NM_12bit.dcm']) {
    const bytes = readFileSync(path.join(DATA, 'dicom/share', f));
    await decodeBuffer(bytes, f); // warm-up (wasm instantiation, JIT)
    const reps = quick ? 2 : 5;
    const t = [0, 0, 0, 0];
    let size = '';
    for (let r = 0; r < reps; r++) {
      let s = performance.now();
      const img = await decodeBuffer(bytes, f);
      t[0] += performance.now() - s;
      s = performance.now();
      const g = renderDisplay(img);
      t[1] += performance.now() - s;
      s = performance.now();
      await makeThumbnail(g, img.width, img.height);
      t[2] += performance.now() - s;
      s = performance.now();
      toModelInput(g, img.width, img.height, { size: 224, mean: 0.5, std: 0.25 });
      t[3] += performance.now() - s;
      size = `${img.width}×${img.height}`;
    }
    log(`| ${f} (${size}) | ${t.map((v) => (v / reps).toFixed(0)).join(' | ')} |`);
  }
}

log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(1)}`);
await pngs();
log('| DICOM | decode ms | display ms | thumbnail ms | model input 224² ms |');
await dicoms();
