import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/import/csv.ts';
import { openProject } from '../../src/core/store/index.ts';
import { BIN, cli, SHARED } from '../cli/run.ts';
import { describeShared } from '../shared-data.ts';

const NIH = path.join(SHARED, 'cxr/nih_cxr14_talo');
const N = 200;
let tmp: string;
let proj: string;
let manifest: string;
const labelOf = new Map<string, string>();

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-kill-'));
  proj = path.join(tmp, 'proj');
  // A manifest of the first N real NIH images; `images` links to the shared folder so the
  // manifest's relative paths stay inside its own folder.
  const data = path.join(tmp, 'data');
  const rows = parseCsv(readFileSync(path.join(NIH, 'manifest.csv'), 'utf8'));
  const h = rows[0].cells;
  const [fi, li, pi] = ['file', 'label', 'patient_id'].map((c) => h.indexOf(c));
  const lines = ['file,label,patient_id,source'];
  for (const { cells } of rows.slice(1, N + 1)) {
    lines.push(`${cells[fi]},${cells[li]},${cells[pi]},nih`);
    labelOf.set(path.join(data, cells[fi]), cells[li]);
  }
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data);
  symlinkSync(path.join(NIH, 'images'), path.join(data, 'images'));
  manifest = path.join(data, 'manifest.csv');
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  expect(cli('init', proj, '--classes', 'normal,pneumonia').code).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Starts a real import and SIGKILLs it once at least `after` images are committed. */
async function importAndKill(after: number): Promise<number> {
  const child = spawn(process.execPath, [BIN, 'import', proj, '--manifest', manifest], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
  const db = new Database(path.join(proj, 'project.sqlite'), { readonly: true, fileMustExist: true });
  try {
    for (;;) {
      const n = (db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
      if (n >= after) break;
      if (child.exitCode !== null) throw new Error('import finished before it could be killed');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    db.close();
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const s = openProject(proj);
  const n = s.counts().images;
  s.close();
  return n;
}

/** Every committed row is whole: its file has its hash, its thumbnail and its label exist. */
function checkProject(): number {
  const s = openProject(proj); // throws if the integrity check fails
  try {
    expect(s.openReport?.ok).toBe(true);
    const { items } = s.listImages();
    for (const img of items) {
      const bytes = readFileSync(s.imagePath(img));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(img.sha256);
      expect(s.getThumbnail(img.id)?.data.length).toBeGreaterThan(0);
      const want = labelOf.get(img.originalPath);
      expect(want).toBeDefined();
      if (want !== 'unknown') expect(s.getLabel(img.id)?.label).toBe(want);
      expect(s.getLabelHistory(img.id).length).toBeLessThanOrEqual(1);
    }
    return items.length;
  } finally {
    s.close();
  }
}

describeShared('kill -9 during a real import', () => {
  it('loses nothing committed, leaves no half rows, and a re-run completes idempotently', async () => {
    const first = await importAndKill(30);
    expect(first).toBeGreaterThanOrEqual(30);
    expect(first).toBeLessThan(N);
    expect(checkProject()).toBe(first);

    const second = await importAndKill(first + 50);
    expect(second).toBeGreaterThanOrEqual(first + 50);
    expect(checkProject()).toBe(second);

    const r = cli('import', proj, '--manifest', manifest, '--json');
    expect(r.code).toBe(0);
    const j = r.json() as { added: number; duplicates: number; failed: unknown[] };
    expect(j.failed).toEqual([]);
    expect(j.added + j.duplicates).toBe(N);
    expect(j.duplicates).toBeGreaterThanOrEqual(second);
    const total = checkProject();
    expect(total).toBe(
      new Set([...labelOf.keys()].map((f) => createHash('sha256').update(readFileSync(f)).digest('hex')))
        .size,
    );

    // And once more: nothing changes.
    const again = cli('import', proj, '--manifest', manifest, '--json').json() as {
      added: number;
      labelsSet: number;
    };
    expect(again.added).toBe(0);
    expect(again.labelsSet).toBe(0);
    expect(checkProject()).toBe(total);
  });
});
