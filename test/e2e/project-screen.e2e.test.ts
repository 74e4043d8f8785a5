/**
 * The Project screen's requests, in headless Chromium against a real `spcxr serve`: "Check
 * installation" runs the doctor, and a class change that would move labels asks first
 * (`classes.impact`), changes nothing on Cancel, and applies on Yes.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, invokeIn, makeSampleProject, servedPage, shot } from './harness.ts';

let app: Awaited<ReturnType<typeof servedPage>> | undefined;
let page: Page;
let errors: string[];
const project = { dir: '', tmp: '' };

beforeAll(async () => {
  ensureRendererBuilt();
  Object.assign(project, makeSampleProject(3));
  app = await servedPage(project.dir);
  ({ page, errors } = app);
  await page.getByRole('button', { name: 'Project', exact: true }).click();
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (project.tmp) fs.rmSync(project.tmp, { recursive: true, force: true });
});

describe('the Project screen', () => {
  it('checks the installation with the same doctor as the CLI', async () => {
    const card = page.getByTestId('project-card');
    await card.getByRole('button', { name: 'Check installation' }).click();
    const verdict = card.getByTestId('doctor-verdict');
    await expect.poll(() => verdict.textContent(), { timeout: 30_000 }).toMatch(/^(ready|PROBLEMS): /);
    const text = (await card.getByTestId('doctor').textContent()) ?? '';
    expect(text).toMatch(/✓ project database: \d+ images checked/);
    expect(text).toMatch(/onnxruntime: .*cpu/);
    // A served project is bound to its server: no Close button there.
    expect(await card.getByTestId('close-project').count()).toBe(0);
    expect(errors.splice(0)).toEqual([]);
  });

  it('asks before a class change that moves labels, and only then applies it', async () => {
    const cm = page.getByTestId('class-manager');
    const row = (n: string) => cm.locator(`[data-testid="class-row"][data-name="${n}"]`);
    await expect.poll(() => row('pneumonia').count(), { timeout: 20_000 }).toBe(1);
    const labelled = async () =>
      (await invokeIn<{ counts: { perClass: Record<string, number> } }>(page, 'project.info')).counts
        .perClass;
    const before = await labelled();
    expect(before.pneumonia).toBeGreaterThan(0);
    await cm.getByRole('button', { name: 'Merge pneumonia' }).click();
    await cm.getByRole('button', { name: 'normal', exact: true }).click();
    await expect.poll(() => cm.textContent()).toContain(`moves ${before.pneumonia} label`);
    await cm.getByRole('button', { name: 'Cancel' }).click();
    expect(await labelled()).toEqual(before);
    await cm.getByRole('button', { name: 'Merge pneumonia' }).click();
    await cm.getByRole('button', { name: 'normal', exact: true }).click();
    await cm.getByRole('button', { name: 'Yes, merge' }).click();
    await expect.poll(() => row('pneumonia').count()).toBe(0);
    expect((await labelled()).normal).toBe(before.normal + before.pneumonia);
    await shot(page, 'project-screen-merge');
    expect(errors.splice(0)).toEqual([]);
  });
});
