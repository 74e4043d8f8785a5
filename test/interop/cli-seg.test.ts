import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/core/store/index.ts';
import { cli } from '../cli/run.ts';
import { DICOM_DIR, makeMask, pydicomCheck, setMask } from './helpers.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-cliseg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('spcxr export --format seg and seg-import', () => {
  it('exports a de-identified SEG and reads it back, with --json and the usual exit codes', async () => {
    const dir = path.join(tmp, 'p');
    expect(cli('init', dir, '--json').code).toBe(0);
    expect(cli('import', dir, path.join(DICOM_DIR, 'CR1_6154'), '--json').code).toBe(0);
    const store = openProject(dir);
    const img = store.listImages().items[0];
    await setMask(store, img, 'lung', makeMask(img));
    store.close();

    const out = path.join(tmp, 'seg');
    const r = cli('export', dir, '--format', 'seg', '--deidentify', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      ok: true,
      format: 'seg',
      written: 1,
      deidentified: true,
      deid: { patients: 1 },
    });
    expect(readdirSync(out).sort()).toEqual(['img-000001.dcm', 'seg.csv']);
    const file = path.join(out, 'img-000001.dcm');
    const info = pydicomCheck([file])[file];
    expect(info.patientName).toBe('ANON-0001');
    expect(info.refSop).not.toBe((img.meta as { sopInstanceUid: string }).sopInstanceUid);

    // The de-identified SEG references remapped UIDs: it cannot be matched to the project.
    const back = cli('seg-import', dir, file, '--json');
    expect(back.code).toBe(1);
    expect(back.json().failed).toMatchObject([{ file, reason: expect.stringMatching(/not in the project/) }]);

    const plain = path.join(tmp, 'plain');
    expect(cli('export', dir, '--format', 'seg', '--out', plain, '--json').code).toBe(0);
    const seg = readdirSync(plain).find((f) => f.endsWith('.dcm'))!;
    const ok = cli('seg-import', dir, path.join(plain, seg), '--author', 'me', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, imported: [{ maskClass: 'lung' }] });

    expect(cli('export', dir, '--format', 'nope', '--out', plain).code).toBe(2);
    expect(cli('seg-import', dir).code).toBe(2);
  });
});
