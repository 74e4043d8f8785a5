/**
 * Makes a project with N distinct small images (default 5,000) for the grid scrolling
 * figure: sample images shrunk to 256², each stamped with its index so none are duplicates.
 * Usage: npx tsx bench/ui-make-grid-project.ts OUT_DIR [N]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { repoRoot } from '../test/e2e/harness.ts';

const [out, nArg] = process.argv.slice(2);
if (!out) throw new Error('usage: npx tsx bench/ui-make-grid-project.ts OUT_DIR [N]');
const n = Number(nArg ?? 5000);
const src = path.join(repoRoot, 'sample/images');
const files = fs
  .readdirSync(src)
  .filter((f) => f.endsWith('.png'))
  .sort();
const imgDir = path.join(out, 'images');
fs.mkdirSync(imgDir, { recursive: true });
const bases = await Promise.all(
  files.map((f) => sharp(path.join(src, f)).grayscale().resize(256, 256).raw().toBuffer()),
);
for (let i = 0; i < n; i++) {
  const px = Buffer.from(bases[i % bases.length]);
  px.writeUInt32LE(i, 0);
  await sharp(px, { raw: { width: 256, height: 256, channels: 1 } })
    .png()
    .toFile(path.join(imgDir, `g${String(i).padStart(5, '0')}.png`));
}
const bin = path.join(repoRoot, 'bin/spcxr.mjs');
const proj = path.join(out, 'project');
execFileSync(process.execPath, [bin, 'init', proj, '--classes', 'normal,pneumonia'], { stdio: 'inherit' });
execFileSync(process.execPath, [bin, 'import', proj, imgDir, '--json'], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
console.log(`grid project with ${n} images: ${proj}`);
