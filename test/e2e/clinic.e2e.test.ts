/**
 * The clinic's first day in one Chromium session against a real `spcxr serve`: an empty project,
 * classes added in the app, a mixed folder imported (with a broken file and a CT) and its report
 * read, labelling by keyboard with a skip, window/level on a 15-bit DICOM, training, suggestions
 * accepted and corrected, and the export. Screenshots go to test-artifacts/clinic-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureRendererBuilt,
  invokeIn,
  launch,
  makeEmptyProject,
  makeMixedFolder,
  type Served,
  serve,
  shot,
  watchErrors,
} from './harness.ts';

let served: Served;
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;
let project: { dir: string; tmp: string };
let mixed: ReturnType<typeof makeMixedFolder>;
let errors: string[];
const has15bit = () => fs.existsSync(path.join(mixed.folder, 'cxr_RG1_15bit_explicitLE.dcm'));

const invoke = <T = unknown>(name: string, params: unknown = {}) => invokeIn<T>(page, name, params);
const saved = () => page.waitForSelector('[data-testid="autosave"][data-state="saved"]', { timeout: 30_000 });

async function openByName(name: string) {
  await page.getByRole('button', { name: 'Images' }).click();
  await page.locator(`.tile:has(img[alt="${name}"])`).dblclick();
  await expect.poll(() => page.getByTestId('image-name').textContent(), { timeout: 20_000 }).toBe(name);
}

beforeAll(async () => {
  ensureRendererBuilt();
  project = makeEmptyProject();
  mixed = makeMixedFolder(project.tmp);
  served = await serve(project.dir);
  const l = await launch({ width: 1400, height: 900 });
  closeBrowser = l.close;
  page = l.page;
  errors = watchErrors(page);
  await page.goto(served.url);
});

afterAll(async () => {
  await closeBrowser?.();
  await served?.stop();
  if (project) fs.rmSync(project.tmp, { recursive: true, force: true });
});

describe('the clinic: first day, end to end', () => {
  it('1 starts empty and adds the classes in the app', async () => {
    await page.getByRole('button', { name: 'Project' }).click();
    const cm = page.getByTestId('class-manager');
    await expect.poll(() => cm.textContent(), { timeout: 20_000 }).toMatch(/No image classes yet/);
    for (const c of ['normal', 'pneumonia', 'covid']) {
      await cm.getByLabel('New class name').fill(c);
      await cm.getByRole('button', { name: 'Add class' }).click();
      await expect.poll(() => cm.locator(`[data-testid="class-row"][data-name="${c}"]`).count()).toBe(1);
    }
    // A wrong class is removed again (nothing labelled yet, so no question asked) and undone/redone.
    await cm.getByRole('button', { name: 'Remove covid' }).click();
    await expect.poll(() => cm.locator('[data-name="covid"]').count()).toBe(0);
    await cm.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => cm.locator('[data-name="covid"]').count()).toBe(1);
    await shot(page, 'clinic-1-classes');
    expect(errors.splice(0)).toEqual([]);
  });

  it('2 imports a mixed folder and reads the report', async () => {
    await page.getByLabel('Paths to import').fill(mixed.folder);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: 60_000 }).catch(async (e) => {
      await shot(page, 'clinic-2-failed');
      throw e;
    });
    const images = mixed.truth.size + (has15bit() ? 2 : 1);
    expect(await page.getByTestId('import-added').textContent()).toBe(`${images} added`);
    expect(await page.getByTestId('import-refused').textContent()).toBe('1 refused');
    const text = (await report.textContent()) ?? '';
    expect(text).toMatch(/scan_broken\.png/);
    expect(text).toMatch(/Not a chest X-ray \(1\)/);
    expect(text).toMatch(/CT_small_signed16_nowindow\.dcm: modality CT/);
    await shot(page, 'clinic-2-import-report');
    // The same folder again: nothing added, everything a duplicate, said plainly.
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('import-duplicates').textContent(), { timeout: 60_000 })
      .toBe(`${images} already in the project`);
    expect(await page.getByTestId('import-added').textContent()).toBe('0 added');
    expect(errors.splice(0)).toEqual([]);
  });

  it('3 labels by keyboard, skipping one it is unsure of', async () => {
    await page.getByRole('button', { name: 'Images' }).click();
    await page.waitForSelector('.tile img', { timeout: 60_000 });
    await page.locator('.tile').first().dblclick();
    await page.getByLabel('next after labelling').check();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const given = new Map<string, string>();
    for (let k = 0; k < 12; k++) {
      const name = (await page.getByTestId('image-name').textContent()) ?? '';
      const truth = mixed.truth.get(name);
      if (k === 3 || !truth) {
        await page.keyboard.press('ArrowRight'); // skip: unsure
      } else {
        await page.keyboard.press(truth === 'normal' ? '1' : '2');
        given.set(name, truth);
      }
      await expect.poll(() => page.getByTestId('image-name').textContent()).not.toBe(name);
    }
    await saved();
    const labelled = await invoke<{ items: { name: string; label: string | null }[] }>('images.list', {
      limit: 100,
    });
    for (const [name, label] of given) expect(labelled.items.find((i) => i.name === name)?.label).toBe(label);
    await shot(page, 'clinic-3-labelled');
    expect(errors.splice(0)).toEqual([]);
  });

  it('4 windows a 15-bit DICOM from its own window', async () => {
    if (!has15bit()) return;
    await openByName('cxr_RG1_15bit_explicitLE.dcm');
    await expect.poll(() => page.getByTestId('wl-readout').textContent()).toMatch(/C 15000 · W 30000/);
    const b = (await page.getByTestId('canvas').boundingBox())!;
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(b.x + b.width / 2 + 40, b.y + b.height / 2 - 20, { steps: 6 });
    await page.mouse.up({ button: 'right' });
    await expect.poll(() => page.getByText('loading pixels…').count(), { timeout: 30_000 }).toBe(0);
    const [, c, w] = /C (-?\d+) · W (\d+)/
      .exec((await page.getByTestId('wl-readout').textContent()) ?? '')!
      .map(Number);
    expect(c).toBeGreaterThan(13000);
    expect(w).toBeGreaterThan(30000);
    await shot(page, 'clinic-4-15bit-windowed');
    expect(errors.splice(0)).toEqual([]);
  });
});
