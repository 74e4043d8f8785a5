/**
 * DICOM in the viewer: a MONOCHROME1 10-bit chest CR with a window in the file, and a signed
 * 16-bit CT without one. The browser's own window/level (raw stored values → LUT) must give
 * the same grey values as the core's display rendering at the same window, so what the user
 * drags is what the model and the export see. Files are read from ../shared/data (not committed).
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared } from '../shared-data.ts';
import { ensureRendererBuilt, launch, repoRoot, type Served, serve, shot, watchErrors } from './harness.ts';

const dicomDir = path.resolve(repoRoot, '../shared/data/dicom/share');
const FILES = ['CR-MONO1-10-chest', 'CT_small_signed16_nowindow.dcm', 'cxr_RG1_15bit_explicitLE.dcm'];

let served: Served;
let page: Page;
let closeBrowser: (() => Promise<void>) | undefined;
let tmp: string;
let errors: string[];

/** Mean grey of a 9×9 block at the centre of the image layer (the image is fitted and centred). */
function centreGrey(p: Page): Promise<number> {
  return p.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="canvas"] canvas')!;
    const ctx = c.getContext('2d')!;
    const d = ctx.getImageData(Math.floor(c.width / 2) - 4, Math.floor(c.height / 2) - 4, 9, 9).data;
    let s = 0;
    for (let i = 0; i < d.length; i += 4) s += d[i];
    return s / (d.length / 4);
  });
}

async function openByName(name: string) {
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await page.locator(`.tile:has(img[alt="${name}"])`).dblclick();
  await expect.poll(() => page.getByTestId('image-name').textContent(), { timeout: 20_000 }).toBe(name);
  await page.waitForTimeout(300);
}

beforeAll(async () => {
  ensureRendererBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-e2e-dicom-'));
  const bin = path.join(repoRoot, 'bin/spcxr.mjs');
  const dir = path.join(tmp, 'project');
  execFileSync(process.execPath, [bin, 'init', dir, '--classes', 'normal,abnormal'], { stdio: 'ignore' });
  execFileSync(
    process.execPath,
    [bin, 'import', dir, ...FILES.map((f) => path.join(dicomDir, f)), '--json'],
    {
      stdio: 'ignore',
    },
  );
  served = await serve(dir);
  const l = await launch({ width: 1200, height: 900 });
  closeBrowser = l.close;
  page = l.page;
  errors = watchErrors(page);
  await page.goto(served.url);
  await page.waitForSelector('.tile img', { timeout: 60_000 });
});

afterAll(async () => {
  await closeBrowser?.();
  await served?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describeShared('DICOM window/level in the browser', () => {
  it('MONOCHROME1 CR: the file window is a preset and the client LUT matches the core rendering', async () => {
    await openByName(FILES[0]);
    const server = await centreGrey(page);
    const options = await page.getByLabel('Window preset').locator('option').allInnerTexts();
    expect(options.join('|')).toMatch(/C 550 \/ W 1024/);
    // Choosing the file's own window re-renders in the browser from the raw stored values.
    const idx = options.findIndex((o) => /C 550 \/ W 1024/.test(o)) - 1;
    await page.getByLabel('Window preset').selectOption(String(idx));
    await expect
      .poll(() => page.getByLabel('Window preset').locator('option').first().textContent())
      .toMatch(/C 550 \/ W 1024/);
    await page.waitForTimeout(300);
    const client = await centreGrey(page);
    console.log(`centre grey: core ${server.toFixed(1)}, browser LUT ${client.toFixed(1)}`);
    expect(Math.abs(client - server)).toBeLessThanOrEqual(3);
    // MONOCHROME1 is shown inverted (bone white): the mediastinum at the centre is bright.
    expect(client).toBeGreaterThan(100);
    await page.keyboard.press('i');
    await expect.poll(() => centreGrey(page)).toBeLessThan(255 - client + 4);
    await shot(page, 'dicom-cr-mono1-inverted');
    expect(errors.splice(0)).toEqual([]);
  });

  it('signed 16-bit CT without a window: full range and auto presets, drag changes the level', async () => {
    await openByName(FILES[1]);
    const before = await centreGrey(page);
    const b = (await page.getByTestId('canvas').boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2 + 120, { steps: 8 });
    await page.mouse.up({ button: 'right' });
    const options = await page.getByLabel('Window preset').locator('option').allInnerTexts();
    expect(options.join('|')).toMatch(/full range/);
    expect(options.join('|')).toMatch(/auto/);
    await expect.poll(() => centreGrey(page)).not.toBe(before);
    await shot(page, 'dicom-ct-signed-windowed');
    expect(errors.splice(0)).toEqual([]);
  });

  it('15-bit radiograph: the first drag starts from the file window (C 15000 / W 30000), not an 8-bit default', async () => {
    await openByName(FILES[2]);
    await expect.poll(() => page.getByTestId('wl-readout').textContent()).toMatch(/C 15000 · W 30000/);
    await expect.poll(() => page.getByTestId('mode-readout').textContent()).toMatch(/View/);
    const before = await centreGrey(page);
    const b = (await page.getByTestId('canvas').boundingBox())!;
    // A left click in the view tool paints nothing (no mask is created by focusing the image).
    await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    expect(Number(await page.getByTestId('mask-area').getAttribute('data-area'))).toBe(0);
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(b.x + b.width / 2 + 10, b.y + b.height / 2 + 10, { steps: 4 });
    await page.mouse.up({ button: 'right' });
    const text = (await page.getByTestId('wl-readout').textContent()) ?? '';
    const [, c, w] = /C (-?\d+) · W (\d+)/.exec(text)!.map(Number);
    // A 10-pixel drag moves a 30000-wide window by a few hundred, never to 8-bit values.
    expect(Math.abs(c - 15000)).toBeLessThan(2000);
    expect(Math.abs(w - 30000)).toBeLessThan(2000);
    // The end state, not the transient "loading pixels…" text (a poll for its absence passes
    // before it shows or long after): raw pixels loaded and the canvas drawn at this window.
    const editor = page.locator('.editor');
    await expect
      .poll(() => editor.getAttribute('data-raw-state'), { timeout: 100_000 })
      .toMatch(/^(ready|error)$/);
    expect(await editor.getAttribute('data-raw-state')).toBe('ready');
    await expect
      .poll(() => editor.getAttribute('data-rendered-window'), { timeout: 30_000 })
      .toBe(`${c}/${w}`);
    await page.waitForTimeout(300);
    const after = await centreGrey(page);
    console.log(`15-bit centre grey before ${before.toFixed(1)}, after a small drag ${after.toFixed(1)}`);
    expect(Math.abs(after - before)).toBeLessThan(40);
    expect(after).toBeGreaterThan(20);
    await shot(page, 'dicom-15bit-after-first-drag');
    expect(errors.splice(0)).toEqual([]);
  });
});
