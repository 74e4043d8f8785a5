/**
 * The grid of a large project in headless Chromium against a real `spcxr serve`: first paint
 * (navigation → first tile with a loaded thumbnail) with where its time went (bundle, every
 * API call's start and end, the first page, the first thumbnail; Resource Timing), then
 * a steady and a fast scroll. Each frame is checked in its own animation-frame callback, after
 * the previous scroll has been applied and the grid has rendered its tiles, and before the next
 * scroll: what that frame paints. A frame counts as empty when a tile inside the viewport has
 * no item yet or an <img> whose picture is not available (not complete, or no pixels).
 * Also counts the grid's page requests by kind (keyset `after` vs `offset`) and its thumbnail
 * requests (single URLs and batches) during each scroll.
 * Run it on several sizes to get growth ratios (e.g. the projects bench/scale.ts built).
 * `--peer ROOT` also runs another checkout's build (its bin/spcxr.mjs and dist/renderer, e.g.
 * `git archive main` with node_modules linked and the renderer built) on the same projects in
 * the same run, alternating per project, and prints this build's figures against the peer's.
 * Neither build may migrate the projects (open copies, not the originals).
 *   npx tsx bench/ui-grid-scale.ts DIR [DIR...] [--frames 300] [--step 60] [--peer ROOT]
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
const peer = opt('peer', '');

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
      if (!t.hasAttribute('data-id')) noItem++;
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
  const thumbs = res.filter((e) => e.name.includes('/media/thumbnail'));
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

interface Figures {
  firstPaint: number;
  scroll: Record<'steady' | 'fast', { fps: number; p95: number; emptyPct: number; requests: number }>;
}

async function measure(dir: string, build: string): Promise<Figures> {
  if (build === 'this') delete process.env.SPCXR_SERVE_CMD;
  else process.env.SPCXR_SERVE_CMD = `${process.execPath} ${build}/bin/spcxr.mjs serve --port 0`;
  const s = await serve(dir);
  const { page, close } = await launch();
  const tag = `${dir} [${build}]`;
  const out: Figures = { firstPaint: 0, scroll: {} as Figures['scroll'] };
  try {
    const pages = { after: 0, offset: 0 };
    let thumbRequests = 0;
    page.on('request', (r) => {
      if (r.url().includes('/media/thumbnail')) thumbRequests++;
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
    out.firstPaint = firstPaint;
    const where = await page.evaluate(`(${BREAKDOWN})()`);
    console.log(
      `${tag} first paint ${firstPaint} ms; where (ms from navigation start): ${JSON.stringify(where)}`,
    );
    const total = await page.evaluate(() => document.querySelector('.bulk span')?.textContent?.trim() ?? '');
    for (const [name, st] of [
      ['steady', step],
      ['fast', step * 4],
    ] as const) {
      const before = thumbRequests;
      const r = (await page.evaluate(`(${SCROLL})(${frames}, ${st})`)) as {
        iv: number[];
        empty: number;
        noItem: number;
      };
      const mean = r.iv.reduce((a, b) => a + b, 0) / r.iv.length;
      const f = {
        fps: 1000 / mean,
        p95: pct(r.iv, 95),
        emptyPct: (100 * r.empty) / (frames - 1),
        requests: thumbRequests - before,
      };
      out.scroll[name] = f;
      console.log(
        `${tag} (${total}) ${name} scroll ${st} px/frame: first paint ${firstPaint} ms, ${f.fps.toFixed(1)} fps mean, p95 frame ${f.p95.toFixed(1)} ms, frames with an empty tile ${f.emptyPct.toFixed(1)} % (${r.noItem} of them waiting for the list, the rest for a thumbnail), ${f.requests} thumbnail requests`,
      );
    }
    console.log(`${tag} grid page requests: ${pages.after} keyset (after), ${pages.offset} offset`);
  } finally {
    await close();
    await s.stop();
  }
  return out;
}

const builds = peer ? [peer, 'this'] : ['this'];
const results: Array<{ dir: string; by: Record<string, Figures> }> = [];
for (const dir of dirs) {
  const by: Record<string, Figures> = {};
  for (const b of builds) by[b] = await measure(dir, b);
  results.push({ dir, by });
}
console.log('\nsummary (this build; with --peer: peer → this, ratio this/peer):');
for (const { dir, by } of results) {
  const t = by.this;
  const p = peer ? by[peer] : undefined;
  const cmp = (a: number, b: number | undefined, d = 1) =>
    b === undefined ? a.toFixed(d) : `${b.toFixed(d)} → ${a.toFixed(d)} (${(a / b).toFixed(2)}×)`;
  console.log(`${dir}: first paint ${cmp(t.firstPaint, p?.firstPaint, 0)} ms`);
  for (const k of ['steady', 'fast'] as const)
    console.log(
      `  ${k}: fps ${cmp(t.scroll[k].fps, p?.scroll[k].fps)}, empty-tile frames % ${cmp(t.scroll[k].emptyPct, p?.scroll[k].emptyPct)}, thumbnail requests ${cmp(t.scroll[k].requests, p?.scroll[k].requests, 0)}`,
    );
}
