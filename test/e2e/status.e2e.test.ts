/**
 * Status truth and layout, on a laptop at 200 % zoom (960×540 CSS px at device scale 2): the
 * encoder is named, a cancelled job looks cancelled, the viewer gives the image most of the
 * window with Accept in view, labels are timed per annotator and the grid filters by author,
 * an export error shows inside its dialog, and a server that stops or restarts is shown (never
 * "All changes saved") and recovered from. Screenshots: test-artifacts/status-*.png.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ensureRendererBuilt,
  invokeIn,
  launch,
  makeSampleProject,
  type Served,
  serve,
  shot,
  watchErrors,
} from './harness.ts';

vi.setConfig({ expect: { poll: { timeout: 30_000, interval: 100 } } });

const W = 960;
const H = 540;
let served: Served;
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;
let project: { dir: string; tmp: string };
let errors: string[];

type Job = { id: string; kind: string; state: string };
const invoke = <T = unknown>(name: string, params: unknown = {}) => invokeIn<T>(page, name, params);
const saved = () => page.waitForSelector('[data-testid="autosave"][data-state="saved"]', { timeout: 30_000 });
const current = async () => Number(await page.locator('.editor').getAttribute('data-image-id'));

beforeAll(async () => {
  ensureRendererBuilt();
  project = makeSampleProject(8, 'ana');
  served = await serve(project.dir);
  const l = await launch({ width: W, height: H }, 2);
  closeBrowser = l.close;
  page = l.page;
  errors = watchErrors(page);
  await page.goto(served.url);
  await page.waitForSelector('.tile img', { timeout: 60_000 });
  await invoke('settings.set', { retrainEvery: 0 });
});

afterAll(async () => {
  await closeBrowser?.();
  await served?.stop();
  if (project) fs.rmSync(project.tmp, { recursive: true, force: true });
});

describe('status and layout at 200 % zoom', () => {
  it('names the encoder before any job, and a cancelled job looks cancelled', async () => {
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    await expect.poll(() => page.getByTestId('encoder').textContent()).toMatch(/installed/);
    expect(await page.getByTestId('project-card').textContent()).not.toMatch(/none loaded/);
    await page.getByRole('button', { name: 'Extract features' }).click();
    const bar = page.locator('[data-job="features"]').first();
    await bar.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => bar.getAttribute('data-state')).toBe('cancelled');
    expect(await bar.getByTestId('job-text').textContent()).toMatch(/cancelled/);
    // No fill: a stopped bar must not read as "nearly done".
    expect(await bar.locator('.bar > div').count()).toBe(0);
    expect(await bar.textContent()).not.toMatch(/\d+ %/);
    await shot(page, 'status-1-cancelled');
  });

  it('says it is retraining while it is, then names the encoder it ran on', async () => {
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    const panel = page.getByTestId('al-panel');
    const { jobId } = await invoke<{ jobId: string }>('train.start', { task: 'classify', head: 'linear' });
    await expect.poll(() => panel.textContent()).toMatch(/Retraining in progress/);
    expect(await panel.textContent()).not.toMatch(/Model trained/);
    await expect
      .poll(async () => (await invoke<Job>('jobs.get', { jobId })).state, { timeout: 300_000 })
      .toMatch(/done|failed/);
    expect((await invoke<Job>('jobs.get', { jobId })).state).toBe('done');
    await expect.poll(() => panel.textContent()).toMatch(/Model trained/);
    // Cancelling the features job earlier stopped it cleanly: no worker had to be killed.
    expect(await page.locator('footer').textContent()).not.toMatch(/worker was restarted/);
    await page.getByRole('button', { name: 'Project', exact: true }).click();
    await expect.poll(() => page.getByTestId('encoder').textContent()).toMatch(/ on (cpu|webgpu|cuda)/);
  });

  /** Where the image and the controls are at the current size: asserts the layout's promises. */
  async function checkLayout(w: number, h: number, name: string, minHeight: number, minShare: number) {
    const accept = page.getByTestId('suggestion').getByRole('button', { name: /Accept/ });
    await accept.waitFor();
    await page.waitForTimeout(300); // layout settles after a resize or the suggestion bar
    await shot(page, name);
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const share = (canvas.width * canvas.height) / (w * h);
    console.log(
      `status: at ${w}×${h} the image gets ${Math.round(canvas.width)}×${Math.round(canvas.height)} px (${Math.round(100 * share)} % of the window)`,
    );
    expect(canvas.height).toBeGreaterThanOrEqual(minHeight * h);
    expect(share).toBeGreaterThanOrEqual(minShare);
    // Accept and the label buttons are in view without scrolling.
    for (const b of [
      accept,
      page.locator('.labels button[title="Key 1"]'),
      page.locator('.labels button[title="Key 2"]'),
    ]) {
      const r = (await b.boundingBox())!;
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.y + r.height).toBeLessThanOrEqual(h);
      expect(r.x + r.width).toBeLessThanOrEqual(w);
    }
    const scrollers = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => {
          const st = getComputedStyle(el);
          const r = el.getBoundingClientRect();
          const y = /(auto|scroll)/.test(st.overflowY) && el.scrollHeight > el.clientHeight + 1;
          const x = /(auto|scroll)/.test(st.overflowX) && el.scrollWidth > el.clientWidth + 1;
          return r.width > 0 && r.height > 0 && (x || y);
        })
        .map((el) => el.className),
    );
    expect(scrollers.length, `scrolling: ${scrollers.join(', ')}`).toBeLessThanOrEqual(1);
    const pageScrolls = await page.evaluate(
      () =>
        document.documentElement.scrollHeight > window.innerHeight + 1 ||
        document.documentElement.scrollWidth > window.innerWidth + 1,
    );
    expect(pageScrolls).toBe(false);
  }

  it('gives the image most of the window, one scrollbar at most, and Accept in view', async () => {
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await page.keyboard.press('n');
    await page.getByTestId('suggestion').waitFor({ timeout: 180_000 });
    await checkLayout(W, H, 'status-2-viewer-200', 0.6, 0.45);
    // A smaller laptop at 200 % (1400×900 screen): the side panel gives way to the image.
    await page.setViewportSize({ width: 700, height: 450 });
    await checkLayout(700, 450, 'status-2-viewer-200-small', 0.55, 0.5);
    await page.setViewportSize({ width: W, height: H });
  });

  it('times each label from image shown to label, per annotator', async () => {
    await invoke('settings.set', { author: 'cy' });
    const id = await current();
    await page.waitForTimeout(1200);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const label = ((await page.getByTestId('current-label').textContent()) ?? '').includes('normal')
      ? '2'
      : '1';
    await page.keyboard.press(label);
    await saved();
    expect((await invoke<{ label: string | null }>('images.get', { id })).label).not.toBeNull();
    const summary = await invoke<{
      authors: Array<{ author: string; timed: number; meanMs: number | null }>;
    }>('review.summary');
    const cy = summary.authors.find((x) => x.author === 'cy');
    expect(cy?.timed).toBe(1);
    expect(cy?.meanMs).toBeGreaterThanOrEqual(1000);
    expect(cy?.meanMs).toBeLessThan(120_000);
    // And in the annotators table of the side panel.
    const row = page.getByTestId('annotator').filter({ hasText: 'cy' });
    await expect.poll(() => row.textContent()).toMatch(/cy\s*1\s*\d+\.\d s/);
  });

  it('filters the grid by author', async () => {
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    const filter = page.getByLabel('Filter by author');
    await expect.poll(() => filter.locator('option').allTextContents()).toEqual(['anyone', 'ana', 'cy']);
    await filter.selectOption('cy');
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    await filter.selectOption('ana');
    await expect.poll(() => page.locator('.tile').count()).toBe(16);
    await shot(page, 'status-3-author-filter');
    await filter.selectOption({ label: 'anyone' });
  });

  it('shows an export error inside the export dialog', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    await dialog.getByLabel('Export folder').fill('/tmp/somewhere-else');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const err = dialog.getByTestId('export-error');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/export/i);
    // On top: the point at the middle of the message belongs to the dialog.
    const b = (await err.boundingBox())!;
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x, y)?.closest('[role="dialog"]') !== null,
      [b.x + b.width / 2, b.y + b.height / 2] as const,
    );
    expect(onTop).toBe(true);
    await shot(page, 'status-4-export-error');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('says when the server is gone, and recovers when it is back', async () => {
    const port = new URL(served.url).port;
    await served.stop();
    const banner = page.getByTestId('connection');
    await expect.poll(() => banner.getAttribute('data-state')).toBe('offline');
    expect(await page.getByTestId('autosave').textContent()).not.toMatch(/All changes saved/);
    await shot(page, 'status-5-offline');
    served = await serve(project.dir, 60_000, ['--port', port]);
    // A restarted server has a new key: the old tab says so...
    await expect.poll(() => banner.getAttribute('data-state')).toBe('unauthorized');
    await shot(page, 'status-6-restarted');
    // ...and reconnects once the new address was opened in another tab.
    const other = await page.context().newPage();
    await other.goto(served.url);
    await expect.poll(() => banner.count()).toBe(0);
    await other.close();
    await expect.poll(() => page.getByTestId('autosave').getAttribute('data-state')).toBe('saved');
    expect(await page.getByTestId('autosave').textContent()).toMatch(/All changes saved/);
    expect(errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket/.test(e))).toEqual(
      [],
    );
  });
});
