/**
 * The clinic's first day in one Chromium session against a real `spcxr serve`: an empty project,
 * classes added in the app, a mixed folder imported (with a broken file and a CT) and its report
 * read, labelling by keyboard with a skip, window/level on a 15-bit DICOM, training, suggestions
 * accepted and corrected, and the export; then masks: a segmenter trained on a few real ieee8023
 * masks, the Masks queue, a pre-filled mask corrected and accepted, the segmenter retrained and
 * the masks exported. Screenshots go to test-artifacts/clinic-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { correctionEffort } from '../../src/core/active/correction.ts';
import { decodeMaskPng } from '../../src/core/imaging/index.ts';
import {
  ensureRendererBuilt,
  invokeIn,
  launch,
  makeEmptyProject,
  makeMaskFolder,
  makeMixedFolder,
  type Served,
  serve,
  shot,
  watchErrors,
} from './harness.ts';

// The machine is shared and loaded: UI polls get 20 s, not vitest's default second.
vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 100 } } });

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
  await page.getByRole('button', { name: 'Images', exact: true }).click();
  await page.locator(`.tile:has(img[alt="${name}"])`).dblclick();
  await expect.poll(() => page.getByTestId('image-name').textContent(), { timeout: 20_000 }).toBe(name);
}

beforeAll(async () => {
  ensureRendererBuilt();
  project = makeEmptyProject();
  mixed = makeMixedFolder(project.tmp);
  served = await serve(project.dir, 60_000, ['--import-root', mixed.folder]);
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
    await page.getByRole('button', { name: 'Project', exact: true }).click();
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
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await page.waitForSelector('.tile img', { timeout: 60_000 });
    await page.locator('.tile').first().dblclick();
    await page.getByLabel('next after labelling').check();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const given = new Map<string, string>();
    // The grid is in file-name order: the first Kermany pneumonia images come after ~12 normals.
    for (let k = 0; k < 18; k++) {
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
    expect(new Set(given.values())).toEqual(new Set(['normal', 'pneumonia']));
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
    // Wait for the end state, not for the transient "loading pixels…" text: that poll passed at
    // once whenever the text was not (or no longer, or not yet) shown, and its 30 s ran out when
    // the 7 MB raw fetch and decode took longer on the loaded machine. The raw pixels must have
    // arrived, and the canvas must have been drawn from them at the window the readout shows.
    const editor = page.locator('.editor');
    await expect
      .poll(() => editor.getAttribute('data-raw-state'), { timeout: 150_000 })
      .toMatch(/^(ready|error)$/);
    expect(await editor.getAttribute('data-raw-state')).toBe('ready');
    const [, c, w] = /C (-?\d+) · W (\d+)/
      .exec((await page.getByTestId('wl-readout').textContent()) ?? '')!
      .map(Number);
    expect(c).toBeGreaterThan(13000);
    expect(w).toBeGreaterThan(30000);
    await expect.poll(() => editor.getAttribute('data-rendered-window')).toBe(`${c}/${w}`);
    await shot(page, 'clinic-4-15bit-windowed');
    expect(errors.splice(0)).toEqual([]);
  }, 240_000);

  it('5 trains, then follows suggestions: skip, correct, accept, unsure', async () => {
    await page.getByRole('button', { name: 'Training', exact: true }).click();
    const before = new Set((await invoke<{ id: string }[]>('jobs.list')).map((j) => j.id));
    await page.getByRole('button', { name: 'Start training' }).click();
    type Job = { id: string; kind: string; state: string; startedAt: string; finishedAt: string | null };
    const mine = async () =>
      (await invoke<Job[]>('jobs.list')).find((j) => j.kind === 'train' && !before.has(j.id));
    await expect.poll(async () => (await mine())?.state, { timeout: 300_000 }).toMatch(/done|failed/);
    const job = (await mine())!;
    const trainMs = Date.parse(job.finishedAt!) - Date.parse(job.startedAt);
    await page.waitForSelector('[data-testid="model-detail"], [role="alert"]', { timeout: 60_000 });
    if (await page.getByRole('alert').isVisible()) {
      await shot(page, 'clinic-5-failed');
      throw new Error(`training: ${await page.getByRole('alert').textContent()}`);
    }
    // Chart legends take their series colour (a CSS rule used to turn them all grey).
    await page.locator('[data-testid="model-detail"] svg text.legend').first().waitFor({ timeout: 30_000 });
    const fills = await page
      .locator('[data-testid="model-detail"] svg text.legend')
      .evaluateAll((els) => els.map((e) => getComputedStyle(e).fill));
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect(f).not.toBe('rgb(163, 169, 179)');
    await shot(page, 'clinic-5-training');
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    const t1 = Date.now();
    await page.getByTestId('al-panel').getByRole('button', { name: /Next/ }).click();
    await page.getByTestId('suggestion').waitFor({ timeout: 180_000 });
    const firstMs = Date.now() - t1;
    console.log(
      `clinic: retrain (train job, linear head) ${trainMs} ms, time to first suggestion after training ${firstMs} ms`,
    );
    await shot(page, 'clinic-5-suggestion');
    const current = async () => Number(await page.locator('.editor').getAttribute('data-image-id'));
    const panelText = async () => (await page.getByTestId('al-panel').textContent()) ?? '';
    expect(await panelText()).toMatch(/Skip/);
    expect(await panelText()).not.toMatch(/No model yet/);

    // Skip: a different image comes up.
    const skipped = await current();
    await page.getByTestId('suggestion').getByRole('button', { name: /Skip/ }).click();
    await expect.poll(current, { timeout: 60_000 }).not.toBe(skipped);

    // Correct, then Accept: the correction stays.
    const corrected = await current();
    const pre = (await page.getByTestId('suggestion').textContent()) ?? '';
    const other = /Suggested: normal/.test(pre) ? 'pneumonia' : 'normal';
    await page.keyboard.press(other === 'normal' ? '1' : '2');
    await saved();
    await page
      .getByTestId('suggestion')
      .getByRole('button', { name: /Accept/ })
      .click();
    await expect.poll(current, { timeout: 60_000 }).not.toBe(corrected);
    const c = await invoke<{ label: string; labelSource: string }>('images.get', { id: corrected });
    expect(c).toMatchObject({ label: other, labelSource: 'human' });

    // Accept as suggested.
    const accepted = await current();
    await page.keyboard.press('a');
    await expect.poll(current, { timeout: 60_000 }).not.toBe(accepted);
    expect((await invoke<{ labelSource: string }>('images.get', { id: accepted })).labelSource).toBe(
      'accepted_suggestion',
    );

    // Unsure / not applicable: flagged for review and gone from the queue.
    const unsure = await current();
    await page.keyboard.press('u');
    await expect.poll(current, { timeout: 60_000 }).not.toBe(unsure);
    expect((await invoke<{ status: string }>('images.get', { id: unsure })).status).toBe('needs-review');
    await shot(page, 'clinic-5-after-answers');
    expect(errors.splice(0)).toEqual([]);
  }, 400_000);

  it('6 exports the labels as CSV', async () => {
    await page.getByRole('button', { name: 'Export…' }).click();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.waitForSelector('[data-testid="export-result"]', { timeout: 60_000 });
    const text = (await page.getByTestId('export-result').textContent()) ?? '';
    const csvPath = /to (\S+)/.exec(text)?.[1] ?? '';
    const csvFile = fs.statSync(csvPath).isDirectory()
      ? path.join(csvPath, fs.readdirSync(csvPath).find((f) => f.endsWith('.csv'))!)
      : csvPath;
    const csv = fs.readFileSync(csvFile, 'utf8');
    expect(csv).toMatch(/pneumonia/);
    expect(csv).toMatch(/normal/);
    await shot(page, 'clinic-6-export');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    expect(errors.splice(0)).toEqual([]);
  });

  it('7 masks: trains a segmenter, corrects a pre-filled mask, retrains, exports the masks', async () => {
    const ieee = makeMaskFolder(mixed.folder, 5, 3);
    if (!ieee) return; // no shared data here (describeShared's rule: CI fails without it)
    const imported = await invoke<{ jobId: string }>('import.start', { manifest: ieee.manifest });
    await expect
      .poll(async () => (await invoke<{ state: string }>('jobs.get', { jobId: imported.jobId })).state, {
        timeout: 120_000,
      })
      .toBe('done');
    const names = async () =>
      new Map(
        (await invoke<{ items: { id: number; name: string }[] }>('images.list', { limit: 500 })).items.map(
          (i) => [i.id, i.name],
        ),
      );
    type Job = { id: string; kind: string; state: string; error?: string };
    const trainSegmenter = async (tag: string) => {
      await page.getByRole('button', { name: 'Training', exact: true }).click();
      await page.getByLabel('Task').selectOption('segment');
      await page.getByLabel('Epochs').fill('12');
      const before = new Set((await invoke<Job[]>('jobs.list')).map((j) => j.id));
      await page.getByRole('button', { name: 'Start training' }).click();
      const mine = async () =>
        (await invoke<Job[]>('jobs.list')).find((j) => j.kind === 'train' && !before.has(j.id));
      await expect.poll(async () => (await mine())?.state, { timeout: 400_000 }).toMatch(/done|failed/);
      const job = (await mine())!;
      if (job.state !== 'done') throw new Error(`segmenter training (${tag}): ${job.error}`);
      type M = { id: number; task: string; active: boolean; trainCount: number; valCount: number };
      const segs = (await invoke<M[]>('models.list', {})).filter((m) => m.task === 'segment');
      return segs.sort((a, b) => b.id - a.id)[0];
    };
    const seg1 = await trainSegmenter('first');
    expect(seg1.trainCount + seg1.valCount).toBe(5);
    // The model view's sample overlays are stored predictions now (they were 404s).
    const overlays = page.locator('[data-testid="model-detail"] img.overlay');
    await overlays.first().waitFor({ timeout: 60_000 });
    await expect
      .poll(() => overlays.evaluateAll((els) => els.every((e) => (e as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    await shot(page, 'clinic-7-segmenter');

    // Effort, simulated on the images still without a mask: pixels to correct the pre-fill vs to draw.
    const byId = await names();
    const b64 = async (url: string) =>
      page.evaluate(async (u) => {
        const r = await fetch(u);
        const b = new Uint8Array(await r.arrayBuffer());
        let s = '';
        for (const x of b) s += String.fromCharCode(x);
        return btoa(s);
      }, url);
    let edited = 0;
    let scratch = 0;
    for (const [id, name] of byId) {
      const truthFile = ieee.truth.get(name);
      if (!truthFile) continue;
      const pred = await decodeMaskPng(
        Buffer.from(await b64(`/media/prediction/${seg1.id}/${id}.png`), 'base64'),
      );
      const truth = await decodeMaskPng(fs.readFileSync(truthFile), truthFile);
      const e = correctionEffort(pred.data, truth.data, truth.width, truth.height);
      edited += e.editedPixels;
      scratch += e.targetPixels;
    }
    console.log(
      `clinic masks: correcting ${ieee.truth.size} pre-filled masks edits ${edited} px, drawing them ${scratch} px (ratio ${(edited / scratch).toFixed(3)})`,
    );
    expect(edited).toBeLessThan(scratch);

    // The Masks queue: most uncertain first, the predicted mask pre-filled as an unsaved draft.
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    const panel = page.getByTestId('al-panel');
    await panel.getByRole('button', { name: 'Masks', exact: true }).click();
    await panel.getByRole('button', { name: /Next/ }).click();
    await page.getByTestId('suggestion').waitFor({ timeout: 180_000 });
    await expect.poll(() => page.getByTestId('suggestion').textContent()).toMatch(/\+ mask \(model Dice/);
    expect(await page.getByTestId('al-reason').textContent()).toMatch(/predicted lung mask is unsure/);
    await expect
      .poll(() => page.getByTestId('mode-readout').textContent())
      .toMatch(/Correcting pre-filled lung mask/);
    const current = Number(await page.locator('.editor').getAttribute('data-image-id'));
    await panel.getByLabel(/Show uncertainty/).check();
    await shot(page, 'clinic-7-prefilled-uncertainty');

    // Correct with one brush stroke across the image; nothing is stored before Accept.
    const box = (await page.getByTestId('canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.15);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.15, { steps: 12 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('mode-readout').textContent()).toMatch(/· 1 edits/);
    expect((await invoke<{ mask: unknown }>('masks.get', { imageId: current })).mask).toBeNull();
    await shot(page, 'clinic-7-corrected');
    await page
      .getByTestId('suggestion')
      .getByRole('button', { name: /Accept/ })
      .click();
    await expect
      .poll(() => page.getByTestId('last-correction').textContent(), { timeout: 60_000 })
      .toMatch(/[\d,]+ px corrected in 1 stroke \(drawing it: [\d,]+ px\)/);
    const stored = await invoke<{ mask: { data: string } | null }>('masks.get', { imageId: current });
    expect(stored.mask).not.toBeNull();
    // The next suggestion is another image (never the same twice in a row).
    await expect
      .poll(async () => Number(await page.locator('.editor').getAttribute('data-image-id')), {
        timeout: 60_000,
      })
      .not.toBe(current);
    await shot(page, 'clinic-7-accepted');

    // Retrain the segmenter with the corrected mask, then export the masks.
    const seg2 = await trainSegmenter('retrain');
    expect(seg2.id).not.toBe(seg1.id);
    expect(seg2.trainCount + seg2.valCount).toBe(6);
    await page.getByRole('button', { name: 'Export…' }).click();
    await page.getByLabel(/Masks as PNG/).check();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const exported = async () => {
      const d = /to (\S+)/.exec((await page.getByTestId('export-result').textContent()) ?? '')?.[1] ?? '';
      return d && fs.existsSync(path.join(d, 'masks.csv')) ? d : '';
    };
    await expect.poll(exported, { timeout: 60_000 }).not.toBe('');
    const dir = await exported();
    const index = fs.readFileSync(path.join(dir, 'masks.csv'), 'utf8').trim().split('\n').slice(1);
    expect(index).toHaveLength(6);
    const row = index.find((l) => l.split(',')[2] === String(current))!;
    expect(row).toMatch(/,human,/);
    await shot(page, 'clinic-7-export-masks');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    expect(errors.splice(0)).toEqual([]);
  }, 1_200_000);
});
