import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, REPO } from './run.ts';

let tmp: string;
let proj: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-classes-cli-'));
  proj = path.join(tmp, 'p');
  expect(cli('init', proj, '--json').code).toBe(0);
  // The sample manifest brings normal and pneumonia with 32 labels.
  const r = cli('import', proj, '--manifest', path.join(REPO, 'sample/manifest.csv'), '--json');
  expect(r.json()).toMatchObject({ classesAdded: ['normal', 'pneumonia'] });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('spcxr classes', () => {
  it('adds, renames, asks before merging labels, merges and undoes', () => {
    expect(cli('classes', proj, 'add', 'covid19', '--json').json()).toMatchObject({ ok: true });
    expect(cli('classes', proj, 'add', 'covid19').code).toBe(1);
    expect(cli('classes', proj, 'rename', 'covid19', 'viral', '--json').code).toBe(0);
    const merge = cli('classes', proj, 'merge', 'pneumonia', 'viral', '--json');
    expect(merge.code).toBe(1);
    expect(merge.json()).toMatchObject({ ok: false, needsConfirmation: true, impact: { labels: 16 } });
    expect(merge.stderr).toMatch(/--yes/);
    expect(
      cli('classes', proj, 'merge', 'pneumonia', 'viral', '--yes', '--author', 'ana', '--json').code,
    ).toBe(0);
    let list = cli('classes', proj, 'list', '--json').json().classes as Array<{
      name: string;
      count: number;
    }>;
    expect(list.filter((c) => c.name !== 'lung').map((c) => [c.name, c.count])).toEqual([
      ['normal', 16],
      ['viral', 16],
    ]);
    const undo = cli('classes', proj, 'undo', '--json').json();
    expect(undo).toMatchObject({ restored: 16, kept: 0 });
    list = cli('classes', proj, 'list', '--json').json().classes as Array<{ name: string; count: number }>;
    expect(list.find((c) => c.name === 'pneumonia')?.count).toBe(16);
    const hist = cli('classes', proj, 'history').stdout;
    expect(hist).toMatch(/ana: merged 'pneumonia' into 'viral' \(16 labels moved\) \[undone\]/);
    expect(hist).toMatch(/renamed 'covid19' to 'viral'/);
    expect(cli('classes', proj, 'remove', 'nope').code).toBe(2);
  });
});
