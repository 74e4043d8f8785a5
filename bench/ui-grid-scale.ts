/**
 * The grid of a large project in headless Chromium against a real `spcxr serve`: first paint
 * (navigation → first tile with a loaded thumbnail), then a steady scroll in which every frame,
 * once painted, counts the tiles in the viewport that show no picture (no item yet, or an <img>
 * not loaded).
 * Reports fps, the share of frames with an empty tile, and the same for a fast scroll; run it on
 * several sizes to get growth ratios (e.g. the projects bench/scale.ts built).
 *   npx tsx bench/ui-grid-scale.ts DIR [DIR...] [--frames 300] [--step 60]
 */
import { launch, serve } from '../test/e2e/harness.ts';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const dirs = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const frames = Number(opt('frames', '300'));
const step = Number(opt('step', '60'));

const SCROLL = `async (frames, step) => {
  const el = document.querySelector('.scroller');
  const box = el.getBoundingClientRect();
  const iv = [];
  let empty = 0;
  let last = 0;
  const emptyNow = () => {
    for (const t of document.querySelectorAll('.tile')) {
      const r = t.getBoundingClientRect();
      if (r.bottom < box.top || r.top > box.bottom) continue;
      const img = t.querySelector('img');
      if (!img || !img.complete || img.naturalWidth === 0) return true;
    }
    return false;
  };
  await new Promise((resolve) => {
    let f = 0;
    const tick = (ts) => {
      if (last) iv.push(ts - last);
      last = ts;
      // Checked once this frame is painted (a task after the rAF), i.e. what the user saw.
      if (f > 0) setTimeout(() => { if (emptyNow()) empty++; }, 0);
      el.scrollTop += step;
      if (++f < frames) requestAnimationFrame(tick); else setTimeout(resolve, 50);
    };
    requestAnimationFrame(tick);
  });
  return { iv, empty };
}`;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))];

for (const dir of dirs) {
  const s = await serve(dir);
  const { page, close } = await launch();
  try {
    const t0 = Date.now();
    await page.goto(s.url);
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('.tile img')].some(
          (i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0,
        ),
      undefined,
      { timeout: 120_000, polling: 'raf' },
    );
    const firstPaint = Date.now() - t0;
    const total = await page.evaluate(() => document.querySelector('.bulk span')?.textContent?.trim() ?? '');
    for (const [name, st] of [
      ['steady', step],
      ['fast', step * 4],
    ] as const) {
      const r = (await page.evaluate(`(${SCROLL})(${frames}, ${st})`)) as { iv: number[]; empty: number };
      const mean = r.iv.reduce((a, b) => a + b, 0) / r.iv.length;
      console.log(
        `${dir} (${total}) ${name} scroll ${st} px/frame: first paint ${firstPaint} ms, ${(1000 / mean).toFixed(1)} fps mean, p95 frame ${pct(r.iv, 95).toFixed(1)} ms, frames with an empty tile ${((100 * r.empty) / (frames - 1)).toFixed(1)} %`,
      );
    }
  } finally {
    await close();
    await s.stop();
  }
}
