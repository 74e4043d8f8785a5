/**
 * The grid of a large project in headless Chromium against a real `spcxr serve`: first paint
 * (navigation → first tile with a loaded thumbnail) with where its time went (bundle, every
 * API call's start and end, the first page, the first thumbnail; Resource Timing), then
 * a steady and a fast scroll. Each frame is checked in its own animation-frame callback, after
 * the previous scroll has been applied and the grid has rendered its tiles, and before the next
 * scroll: what that frame paints. A frame counts as empty when a tile inside the viewport has
 * no item yet or an <img> whose picture is not available (not complete, or no pixels).
 * Also counts the grid's page requests by kind (keyset `after` vs `offset`).
 * Run it on several sizes to get growth ratios (e.g. the projects bench/scale.ts built).
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
  let noItem = 0;
  let last = 0;
  const emptyNow = () => {
    for (const t of document.querySelectorAll('.tile')) {
      const r = t.getBoundingClientRect();
      if (r.bottom <= box.top || r.top >= box.bottom) continue;
      const img = t.querySelector('img');
      if (!img) noItem++;
      if (!img || !img.complete || img.naturalWidth === 0) return true;
    }
    return false;
  };
  await new Promise((resolve) => {
    let f = 0;
    const tick = (ts) => {
      if (last) iv.push(ts - last);
      last = ts;
      // This frame's tiles (the last scroll's range, rendered on its scroll event), before the
      // next scroll: what the frame paints.
      if (f > 0 && emptyNow()) empty++;
      el.scrollTop += step;
      if (++f < frames) requestAnimationFrame(tick); else setTimeout(resolve, 50);
    };
    requestAnimationFrame(tick);
  });
  return { iv, empty, noItem };
}`;

/** Where first paint went: ms from navigation start to the end of each milestone. */
const BREAKDOWN = `() => {
  const res = performance.getEntriesByType('resource');
  const end = (f) => { const e = res.find(f); return e ? Math.round(e.responseEnd) : null; };
  const api = res.filter((e) => e.name.includes('/api/invoke/'));
  const list = api.find((e) => e.name.endsWith('/images.list'));
  const calls = api.map((e) => e.name.split('/').pop() + ' ' + Math.round(e.startTime) + '-' + Math.round(e.responseEnd));
  const thumbs = res.filter((e) => e.initiatorType === 'img');
  return {
    bundle: end((e) => e.name.endsWith('.js')),
    calls: calls.join(', '),
    listStart: list ? Math.round(list.startTime) : null,
    listEnd: list ? Math.round(list.responseEnd) : null,
    listServer: list ? Math.round(list.responseStart - list.requestStart) : null,
    firstThumbStart: thumbs.length ? Math.round(Math.min(...thumbs.map((e) => e.startTime))) : null,
    firstThumbEnd: thumbs.length ? Math.round(Math.min(...thumbs.map((e) => e.responseEnd))) : null,
    thumbsByPaint: thumbs.length,
  };
}`;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))];

for (const dir of dirs) {
  const s = await serve(dir);
  const { page, close } = await launch();
  try {
    const pages = { after: 0, offset: 0 };
    page.on('request', (r) => {
      if (!r.url().endsWith('/images.list')) return;
      const body = JSON.parse(r.postData() ?? '{}') as { after?: number };
      if (body.after !== undefined) pages.after++;
      else pages.offset++;
    });
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
    const where = await page.evaluate(`(${BREAKDOWN})()`);
    console.log(
      `${dir} first paint ${firstPaint} ms; where (ms from navigation start): ${JSON.stringify(where)}`,
    );
    const total = await page.evaluate(() => document.querySelector('.bulk span')?.textContent?.trim() ?? '');
    for (const [name, st] of [
      ['steady', step],
      ['fast', step * 4],
    ] as const) {
      const r = (await page.evaluate(`(${SCROLL})(${frames}, ${st})`)) as {
        iv: number[];
        empty: number;
        noItem: number;
      };
      const mean = r.iv.reduce((a, b) => a + b, 0) / r.iv.length;
      console.log(
        `${dir} (${total}) ${name} scroll ${st} px/frame: first paint ${firstPaint} ms, ${(1000 / mean).toFixed(1)} fps mean, p95 frame ${pct(r.iv, 95).toFixed(1)} ms, frames with an empty tile ${((100 * r.empty) / (frames - 1)).toFixed(1)} % (${r.noItem} of them waiting for the list, the rest for a thumbnail)`,
      );
    }
    console.log(`${dir} grid page requests: ${pages.after} keyset (after), ${pages.offset} offset`);
  } finally {
    await close();
    await s.stop();
  }
}
