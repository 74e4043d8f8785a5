/**
 * The PACS panel in the browser against a real Orthanc on loopback: find studies, pick the
 * chest CR, retrieve it with a progress bar, and the project then holds it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openProject } from '../../src/core/store/index.ts';
import { type Orthanc, startOrthanc } from '../interop/orthanc.ts';
import { describeShared } from '../shared-data.ts';
import { ensureRendererBuilt, launch, repoRoot, type Served, serve, watchErrors } from './harness.ts';

const dicomDir = path.resolve(repoRoot, '../shared/data/dicom/share');
let served: Served;
let page: Page;
let closeBrowser: (() => Promise<void>) | undefined;
let tmp: string;
let dir: string;
let orthanc: Orthanc;
let errors: string[];

beforeAll(async () => {
  ensureRendererBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spcxr-e2e-pacs-'));
  orthanc = await startOrthanc(path.join(tmp, 'orthanc'), { SPCXR: ['SPCXR', '127.0.0.1', 1] });
  for (const f of ['CR-MONO1-10-chest', 'nih_cxr_DX_implicitLE_8bit.dcm'])
    await orthanc.store(path.join(dicomDir, f));
  dir = path.join(tmp, 'project');
  execFileSync(process.execPath, [path.join(repoRoot, 'bin/spcxr.mjs'), 'init', dir], { stdio: 'ignore' });
  served = await serve(dir);
  const l = await launch({ width: 1200, height: 900 });
  closeBrowser = l.close;
  page = l.page;
  errors = watchErrors(page);
  await page.goto(served.url);
});

afterAll(async () => {
  await closeBrowser?.();
  await served?.stop();
  await orthanc?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describeShared('PACS panel', () => {
  it('finds studies, retrieves the picked one with progress, and the project holds it', async () => {
    await page.getByRole('button', { name: 'Project' }).click();
    const panel = page.getByRole('region', { name: 'PACS' });
    await panel.getByLabel('PACS port').fill(String(orthanc.dicomPort));
    await panel.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => panel.getByTestId('pacs-status').textContent()).toMatch(/Connected/);
    await panel.getByLabel('Modality').fill('CR');
    await panel.getByRole('button', { name: 'Find studies' }).click();
    await expect.poll(() => panel.getByTestId('pacs-results').locator('tbody tr').count()).toBe(1);
    await panel.getByTestId('pacs-results').locator('input[type=checkbox]').check();
    await panel.getByRole('button', { name: 'Retrieve selected' }).click();
    await expect
      .poll(() => panel.locator('[data-job="retrieve"]').getAttribute('data-state'), { timeout: 60_000 })
      .toBe('done');
    const store = openProject(dir);
    try {
      expect(store.listImages().items.map((i) => i.source)).toEqual(['pacs:ORTHANC']);
    } finally {
      store.close();
    }
    // A wrong AE title is shown where the form is, not as a crash.
    await panel.getByLabel('PACS AE title').fill('NOTORTHANC');
    await panel.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => panel.getByTestId('pacs-status').textContent()).toMatch(/NOTORTHANC/);
    // (the refused echo is an HTTP 409 the browser logs; nothing else may go wrong)
    expect(errors.filter((e) => !/status of 409/.test(e))).toEqual([]);
  });
});
