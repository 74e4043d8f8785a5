/**
 * UI figures in headless Chromium (playwright-core, Debian chromium):
 *  1. brush painting on 2048×2048: p95 frame time, app painter vs two peers (full redraw, vector replay);
 *  2. opening an image: click → first paint, against a real `spcxr serve` (skipped with --brush-only);
 *  3. grid of 5,000 images: scroll frame rate (needs --grid-project DIR with ≥ 5,000 images).
 * Usage: npx tsx bench/ui.ts [--frames 300] [--brush-only] [--grid-project DIR]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { ensureRendererBuilt, launch, makeSampleProject, repoRoot, serve } from '../test/e2e/harness.ts';
import { benchGrid, benchOpen } from './ui-app.ts';

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(`--${n}`);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const frames = Number(opt('frames', '300'));

async function brush(): Promise<void> {
  const out = await build({
    entryPoints: [path.join(repoRoot, 'bench/ui-brush-page.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    target: 'es2022',
  });
  const { page, close } = await launch({ width: 1100, height: 1100 });
  try {
    await page.setContent(
      '<!doctype html><body style="margin:0"><div id="c" style="width:1024px;height:1024px"></div></body>',
    );
    await page.addScriptTag({ content: out.outputFiles[0].text });
    const rows = [];
    for (const mode of ['dirty', 'full', 'vector'] as const) {
      const r = await page.evaluate(
        ([m, f]) =>
          (window as unknown as { runBrush: typeof import('./ui-brush-page.ts').run }).runBrush(m, f, 24),
        [mode, frames] as const,
      );
      rows.push(r);
      console.log(
        `brush ${mode.padEnd(6)} frames=${r.frames} p50=${r.p50.toFixed(2)} ms p95=${r.p95.toFixed(2)} ms max=${r.max.toFixed(1)} ms rAF-interval p95=${r.intervalP95.toFixed(1)} ms`,
      );
    }
    const [d, f, v] = rows;
    console.log(
      `brush p95 ratio: full-redraw/dirty = ${(f.p95 / d.p95).toFixed(1)}x, vector-replay/dirty = ${(v.p95 / d.p95).toFixed(1)}x`,
    );
    console.log(`brush goal p95 < 16 ms: ${d.p95 < 16 ? 'MET' : 'NOT MET'} (${d.p95.toFixed(2)} ms)`);
  } finally {
    await close();
  }
}

console.log(
  `machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}; chromium /usr/bin/chromium --headless --disable-gpu`,
);
await brush();
if (!flag('brush-only')) {
  ensureRendererBuilt();
  const proj = makeSampleProject();
  const s = await serve(proj.dir);
  try {
    await benchOpen(s.url);
  } finally {
    await s.stop();
    fs.rmSync(proj.tmp, { recursive: true, force: true });
  }
  const gridDir = opt('grid-project', '');
  if (gridDir) {
    const g = await serve(gridDir);
    try {
      await benchGrid(g.url);
    } finally {
      await g.stop();
    }
  } else
    console.log(
      'grid: pass --grid-project DIR (a project with ≥ 5,000 images; see bench/make-grid-project.sh)',
    );
}
