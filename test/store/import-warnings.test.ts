import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runImport } from '../../src/core/import/pipeline.ts';
import { createProject, type ProjectStore } from '../../src/core/store/index.ts';
import { REPO, SHARED } from '../cli/run.ts';
import { describeShared } from '../shared-data.ts';

const DICOM = path.join(SHARED, 'dicom/share');
let tmp: string;
let store: ProjectStore;

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-impw-'));
  store = createProject(path.join(tmp, 'p'), { classes: ['normal', 'pneumonia'] });
});
afterEach(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describeShared('import warnings (real DICOM)', () => {
  it('flags non-chest, multi-frame, decoder warnings and the same SOP instance twice', async () => {
    const png = path.join(REPO, 'sample/images', readdirSync(path.join(REPO, 'sample/images'))[0]);
    const files = [
      png,
      path.join(DICOM, 'CT_small_signed16_nowindow.dcm'),
      path.join(DICOM, 'emri_small_10frames.dcm'),
      path.join(DICOM, 'CR1_6154'),
      path.join(DICOM, 'cxr_CR10_explicitLE.dcm'),
      path.join(DICOM, 'cxr_CR10_rle.dcm'),
      path.join(REPO, 'test/fixtures/broken/truncated.png'),
    ];
    const r = await runImport(store, { paths: files });
    expect(r.added).toBe(6);
    expect(r.failed.map((f) => path.basename(f.file))).toEqual(['truncated.png']);
    const by = (name: string) => r.warnings.filter((w) => path.basename(w.file) === name).map((w) => w.kind);
    expect(by(path.basename(png))).toEqual([]);
    expect(by('CT_small_signed16_nowindow.dcm')).toEqual(['non-chest']);
    expect(by('emri_small_10frames.dcm')).toEqual(['non-chest', 'multi-frame']);
    expect(by('CR1_6154')).toContain('non-chest');
    expect(r.warnings.find((w) => w.file.endsWith('CR1_6154'))?.message).toMatch(/body part CSPINE/);
    expect(by('cxr_CR10_explicitLE.dcm')).toEqual([]);
    expect(by('cxr_CR10_rle.dcm')).toEqual(['same-sop']);
    expect(r.warnings.every((w) => typeof w.imageId === 'number')).toBe(true);
    // A second run adds nothing and warns about nothing new: the report covers what was added.
    const again = await runImport(store, { paths: files });
    expect(again).toMatchObject({ added: 0, duplicates: 6, warnings: [] });
  });
});
