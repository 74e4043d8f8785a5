import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/core/store/index.ts';
import { cli, REPO } from '../cli/run.ts';

const FIX = path.join(REPO, 'test/store/fixtures');
let tmp: string;
let data: string;
let proj: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-bad-'));
  data = path.join(tmp, 'data');
  proj = path.join(tmp, 'proj');
  cpSync(path.join(FIX, 'manifest'), data, { recursive: true });
  // Unreadable inputs that git cannot hold (and chmod 000 does not stop root): a folder
  // named like an image, a dangling symlink and a FIFO (opening it would block forever).
  mkdirSync(path.join(data, 'images/dir.png'));
  symlinkSync(path.join(data, 'images/gone.png'), path.join(data, 'images/dangling.png'));
  execFileSync('mkfifo', [path.join(data, 'images/fifo.png')]);
  expect(cli('init', proj, '--classes', 'normal,pneumonia').code).toBe(0);
  // Existing project data that the bad imports must leave alone (same bytes as images/a.png).
  expect(cli('import', proj, path.join(REPO, 'sample/images/nih_00001280_004.png')).code).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function reasonFor(failed: Array<{ file: string; reason: string }>, needle: string): string {
  const f = failed.find((x) => x.file.includes(needle) || x.reason.includes(needle));
  if (!f) throw new Error(`no failure for ${needle} in ${JSON.stringify(failed, null, 1)}`);
  return f.reason;
}

describe('bad input', () => {
  it('reports every bad manifest row with its file and goes on with the rest', () => {
    const r = cli('import', proj, '--manifest', path.join(data, 'good_and_bad.csv'), '--json');
    expect(r.code).toBe(1);
    const j = r.json() as { failed: Array<{ file: string; reason: string }>; [k: string]: unknown };
    const f = j.failed;
    expect(reasonFor(f, '../escape.png')).toMatch(/escapes the manifest's folder/);
    expect(reasonFor(f, '/etc/hostname')).toMatch(/escapes/);
    expect(reasonFor(f, 'missing.png')).toMatch(/file not found/);
    expect(reasonFor(f, 'dir.png')).toMatch(/is a folder/);
    expect(reasonFor(f, 'dangling.png')).toMatch(/file not found/);
    expect(reasonFor(f, 'fifo.png')).toMatch(/not a regular file/);
    expect(reasonFor(f, 'notes.png')).toMatch(/not an image/);
    expect(reasonFor(f, "empty 'file'")).toBeTruthy();
    expect(reasonFor(f, 'masks/bad.png')).toMatch(/not a PNG/);
    expect(reasonFor(f, 'small.png')).toMatch(/100×100/);
    // Messages on stderr name the file too; stdout holds only the JSON.
    expect(r.stderr).toMatch(/failed: .*fifo\.png: not a regular file/);
    // a.png is byte-identical to the image imported in beforeAll: found by hash, labelled.
    expect(j.added).toBe(2);
    expect(j.duplicates).toBe(3);
    expect(j.labelsSet).toBe(3);
    expect(j.masksSet).toBe(1);
    expect(j.classesAdded).toEqual(['covid19']);
    expect(j.labelConflicts).toEqual([
      { file: path.join(data, 'images/a.png'), project: 'normal', manifest: 'pneumonia' },
    ]);
  });

  it('refuses unusable manifests as a whole, naming them', () => {
    for (const [csv, why] of [
      ['no_file_column.csv', /no 'file' column \(2 columns/],
      ['bad_quote.csv', /unterminated quoted field/],
      ['absent.csv', /cannot read manifest: ENOENT/],
    ] as const) {
      const r = cli('import', proj, '--manifest', path.join(data, csv), '--json');
      expect(r.code).toBe(1);
      const failed = (r.json() as { failed: Array<{ file: string; reason: string }> }).failed;
      expect(failed).toHaveLength(1);
      expect(failed[0].file).toBe(path.join(data, csv));
      expect(failed[0].reason).toMatch(why);
    }
  });

  it('refuses broken image files one by one', () => {
    const dirs = [path.join(FIX, 'broken')];
    // The imaging fixtures (truncated DICOM, unknown transfer syntax, bomb…) when present.
    const imaging = path.join(REPO, 'test/fixtures/broken');
    if (existsSync(imaging)) dirs.push(imaging);
    const files = dirs.flatMap((d) =>
      readdirSync(d)
        .filter((n) => !n.endsWith('.md'))
        .map((n) => path.join(d, n)),
    );
    const r = cli('import', proj, ...files, '--json');
    expect(r.code).toBe(1);
    const j = r.json() as { failed: Array<{ file: string; reason: string }>; added: number };
    expect(j.added).toBe(0);
    expect(j.failed.map((x) => x.file).sort()).toEqual([...files].sort());
    expect(reasonFor(j.failed, 'zero.dcm')).toMatch(/empty file/);
    expect(reasonFor(j.failed, 'bomb.png')).toMatch(/60000/);
    expect(reasonFor(j.failed, 'truncated.png')).toBeTruthy();
  });

  it('leaves the existing project intact', () => {
    const s = openProject(proj);
    try {
      expect(s.openReport?.ok).toBe(true);
      const items = s.listImages().items;
      expect(items).toHaveLength(3);
      const first = items[0];
      expect(first.originalPath).toBe(path.join(REPO, 'sample/images/nih_00001280_004.png'));
      expect(s.getLabel(first.id)?.label).toBe('normal');
      expect(s.getLabelHistory(first.id)).toHaveLength(1);
      expect(s.listMasks()).toHaveLength(1);
    } finally {
      s.close();
    }
  });
});
