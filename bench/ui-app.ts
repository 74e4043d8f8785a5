/**
 * Figures that need the real app and server: click → first paint of an image, and grid
 * scrolling over thousands of images against a peer (a plain, non-virtualised grid).
 */
import { launch } from '../test/e2e/harness.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const STAMP_INPUT = `
  for (const t of ['dblclick', 'keydown']) document.addEventListener(t, () => { window.__spcxrClick = performance.now(); }, true);
`;

export async function benchOpen(url: string, n = 12): Promise<void> {
  const { page, close } = await launch();
  try {
    await page.goto(url);
    await page.waitForSelector('.tile img', { timeout: 60_000 });
    await page.evaluate(STAMP_INPUT);
    await page.locator('.tile').first().dblclick();
    const opened = (k: number) =>
      page.waitForFunction(
        (j) => ((window as { __spcxrOpenFull?: number[] }).__spcxrOpenFull ?? []).length > j,
        k,
        { timeout: 30_000 },
      );
    await opened(0);
    for (let i = 1; i < n; i++) {
      // A user looks at an image for a moment before moving on; that is when neighbours prefetch.
      await page.waitForTimeout(700);
      await page.keyboard.press('ArrowRight');
      await opened(i);
    }
    const times = await page.evaluate(() => (window as unknown as { __spcxrOpen: number[] }).__spcxrOpen);
    const full = await page.evaluate(
      () => (window as unknown as { __spcxrOpenFull: number[] }).__spcxrOpenFull,
    );
    const size = await page.evaluate(
      () => document.querySelector('[data-testid="image-name"]')?.parentElement?.textContent ?? '',
    );
    const dims = /\d+×\d+/.exec(size)?.[0] ?? '?';
    const fmt = (xs: number[]) =>
      `first=${xs[0].toFixed(0)} ms p50=${pct(xs, 50).toFixed(0)} ms p95=${pct(xs, 95).toFixed(0)} ms`;
    console.log(`open ${dims} (n=${times.length}) click/key → first paint: ${fmt(times)}`);
    console.log(`open ${dims} (n=${full.length}) click/key → full resolution + editable mask: ${fmt(full)}`);
    console.log(
      `open goal < 150 ms to first paint: p50 ${pct(times, 50) < 150 ? 'MET' : 'NOT MET'}, p95 ${pct(times, 95) < 150 ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await close();
  }
}

/** Scrolls a scroller by `step` px per frame for `frames` frames; returns frame intervals. */
const SCROLL = `async (sel, frames, step) => {
  const el = document.querySelector(sel);
  const iv = [];
  let last = 0;
  await new Promise((resolve) => {
    let f = 0;
    const tick = (ts) => {
      if (last) iv.push(ts - last);
      last = ts;
      el.scrollTop += step;
      if (++f < frames) requestAnimationFrame(tick); else resolve();
    };
    requestAnimationFrame(tick);
  });
  return iv;
}`;

export async function benchGrid(url: string, frames = 300, step = 60): Promise<void> {
  const { page, close } = await launch();
  try {
    await page.goto(url);
    await page.waitForSelector('.tile img', { timeout: 60_000 });
    const total = await page.evaluate(() => document.querySelector('.bulk span')?.textContent ?? '');
    const report = (name: string, iv: number[]) => {
      const mean = iv.reduce((a, b) => a + b, 0) / iv.length;
      const fps = 1000 / mean;
      console.log(
        `grid ${name}: ${total.trim()} — ${fps.toFixed(1)} fps mean, p95 frame ${pct(iv, 95).toFixed(1)} ms, worst ${Math.max(...iv).toFixed(0)} ms`,
      );
      return fps;
    };
    const app = report(
      'app (virtualised)',
      await page.evaluate(`(${SCROLL})('.scroller', ${frames}, ${step})`),
    );
    // Peer: the same thumbnails in a plain CSS grid with every tile in the DOM.
    const ids: number[] = await page.evaluate(async () => {
      const out: number[] = [];
      for (let offset = 0; ; offset += 1000) {
        const r = await fetch('/api/invoke/images.list', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ offset, limit: 1000 }),
        });
        const j = await r.json();
        out.push(...j.result.items.map((i: { id: number }) => i.id));
        if (out.length >= j.result.total) return out;
      }
    });
    await page.evaluate((list) => {
      document.body.innerHTML = `<div id="peer" style="height:100vh;overflow-y:auto;display:grid;grid-template-columns:repeat(auto-fill,150px);gap:8px">${list
        .map(
          (id) =>
            `<div style="height:172px"><img src="/media/thumbnail/${id}" loading="lazy" width="142" height="142"><div>${id}</div></div>`,
        )
        .join('')}</div>`;
    }, ids);
    await page.waitForTimeout(1000);
    const peer = report(
      `peer (all ${ids.length} tiles in the DOM)`,
      await page.evaluate(`(${SCROLL})('#peer', ${frames}, ${step})`),
    );
    console.log(
      `grid fps ratio app/peer = ${(app / peer).toFixed(2)}; goal ≥ 50 fps: ${app >= 50 ? 'MET' : 'NOT MET'}`,
    );
  } finally {
    await close();
  }
}
