/**
 * The model view as a clinic uses it, on real Kermany images trained twice with the CLI (40 then
 * 80 labels): the learning curve with its plain statement, choosing a threshold by a target
 * specificity and keeping it, and downloading the self-contained HTML report.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readManifest } from '../../src/core/import/manifest.ts';
import { describeShared } from '../shared-data.ts';
import { dataDir } from '../train/fixture-project.ts';
import {
  artifacts,
  encoderEnv,
  ensureRendererBuilt,
  launch,
  repoRoot,
  type Served,
  serve,
  shot,
  watchErrors,
} from './harness.ts';

const bin = path.join(repoRoot, 'bin/spcxr.mjs');
let tmp: string;
let dir: string;
let served: Served | undefined;
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;
let errors: string[];
let picked = '';

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...encoderEnv() },
  });
}

/** Kermany images [from, to) of each class, copied into a manifest folder of their own. */
function kermany(name: string, from: number, to: number): string {
  const out = path.join(tmp, name);
  fs.mkdirSync(path.join(out, 'img'), { recursive: true });
  const rows = ['file,label,patient_id,source'];
  const items = readManifest(path.join(dataDir, 'kermany_pediatric', 'manifest.csv')).items;
  for (const label of ['normal', 'pneumonia'])
    for (const it of items.filter((i) => i.label === label).slice(from, to)) {
      const rel = `img/${path.basename(it.file)}`;
      fs.copyFileSync(it.file, path.join(out, rel));
      rows.push(`${rel},${label},${it.patientId ?? ''},kermany_pediatric`);
    }
  fs.writeFileSync(path.join(out, 'manifest.csv'), `${rows.join('\n')}\n`);
  return path.join(out, 'manifest.csv');
}

describeShared('model view: learning curve, threshold, report', () => {
  beforeAll(async () => {
    ensureRendererBuilt();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-e2e-model-'));
    dir = path.join(tmp, 'project');
    cli('init', dir, '--classes', 'normal,pneumonia', '--json');
    cli('import', dir, '--manifest', kermany('first', 0, 20), '--json');
    cli('train', dir, '--task', 'classify', '--json');
    cli('import', dir, '--manifest', kermany('second', 20, 40), '--json');
    cli('train', dir, '--task', 'classify', '--json');
    served = await serve(dir, 60_000, ['--import-root', tmp]);
    const b = await launch({ width: 1400, height: 1000 });
    closeBrowser = b.close;
    page = b.page;
    errors = watchErrors(page);
    await page.goto(served.url);
    await page.getByRole('button', { name: 'Training' }).click();
  }, 600_000);

  afterAll(async () => {
    await closeBrowser?.();
    await served?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows the learning curve with a statement it can back', async () => {
    const panel = page.getByTestId('learning-curve');
    await panel.waitFor({ timeout: 30_000 });
    const trend = page.getByTestId('learning-trend');
    // Two models 40 labels apart: a statement with the change and its interval (which one
    // depends on the estimates; none may claim a trend the interval does not support).
    const verdict = await trend.getAttribute('data-verdict');
    expect(['paying-off', 'levelling-off', 'worse', 'unclear']).toContain(verdict);
    expect(await trend.textContent()).toMatch(
      /at 40 labels to \d\.\d{3} at 80: [+−]\d\.\d{3} \(95 % interval/,
    );
    expect(await panel.locator('circle').count()).toBe(2);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'model-view-learning-curve');
    expect(errors.splice(0)).toEqual([]);
  });

  it('saves a threshold chosen by target specificity, and keeps it after a reload', async () => {
    await page.getByTestId('model-honesty').waitFor({ timeout: 30_000 });
    await page.getByLabel('Target kind').selectOption('specificity');
    await page.getByLabel('Target', { exact: true }).fill('0.9');
    const row = await page.getByTestId('tradeoff-row').textContent();
    picked = /threshold (\d\.\d{3})/.exec(row ?? '')![1];
    await page.getByTestId('use-threshold').click();
    const shown = page.getByTestId('model-threshold');
    await expect
      .poll(() => shown.textContent(), { timeout: 20_000 })
      .toMatch(/chosen for specificity ≥ 0\.9/);
    // The row the user picked is the threshold stored (the server re-reads it on the same predictions).
    expect(await shown.textContent()).toContain(`Model's threshold: ${picked}`);
    const spec = Number(/specificity (\d\.\d{3}) \(at least/.exec((await shown.textContent()) ?? '')![1]);
    expect(spec).toBeGreaterThanOrEqual(0.9);
    await page.reload();
    await page.getByRole('button', { name: 'Training' }).click();
    await expect
      .poll(() => page.getByTestId('model-threshold').textContent(), { timeout: 30_000 })
      .toMatch(/chosen for specificity ≥ 0\.9 on out-of-fold predictions/);
    await page.getByTestId('model-honesty').scrollIntoViewIfNeeded();
    await shot(page, 'model-view-threshold');
    expect(errors.splice(0)).toEqual([]);
  });

  it('downloads the self-contained HTML report', async () => {
    const download = page.waitForEvent('download', { timeout: 300_000 });
    await page.getByTestId('download-report').click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/^model-\d+-report\.html$/);
    fs.mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, 'model-view-report.html');
    await d.saveAs(file);
    const html = fs.readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toMatch(/ROC/);
    expect(html).toMatch(/<svg/);
    expect(html).toMatch(/40 normal, 40 pneumonia/);
    expect(html).toMatch(/Calibration/);
    // The threshold chosen above is the report's threshold, with where it came from.
    expect(html).toContain(`Confusion at threshold ${picked}`);
    expect(html).toMatch(/Threshold chosen by the user for specificity ≥ 0\.9/);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(
      /https?:|<script|<link|src=/,
    );
    expect(errors.splice(0)).toEqual([]);
  }, 300_000);
});
