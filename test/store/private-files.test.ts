import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject, TMP_DIR } from '../../src/core/store/index.ts';
import { BIN, REPO } from '../cli/run.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-private-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI under a permissive umask, as a user's shell usually has. */
function cli(...args: string[]) {
  const r = spawnSync('sh', ['-c', 'umask 022; exec "$@"', 'sh', process.execPath, BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out.push(p);
    if (e.isDirectory()) walk(p, out);
  }
  return out;
}

describe('project files are private', () => {
  const P = path.join(tmp, 'p');

  it('init and import create folders 0700 and files 0600 under umask 022', () => {
    cli('init', P, '--classes', 'normal,pneumonia');
    cli('import', P, path.join(REPO, 'sample/images'));
    expect(statSync(P).mode & 0o777).toBe(0o700);
    const entries = walk(P);
    expect(entries.some((f) => f.includes(`${path.sep}images${path.sep}`))).toBe(true);
    for (const f of entries) {
      const st = statSync(f);
      expect((st.mode & 0o777).toString(8), f).toBe(st.isDirectory() ? '700' : '600');
    }
  }, 60_000);

  it('an existing world-readable project is tightened when opened', () => {
    spawnSync('chmod', ['-R', 'go+rX', P]);
    openProject(P).close();
    expect(statSync(P).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(P, 'project.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('open deletes temp files of dead writers and keeps a live one', () => {
    const dir = path.join(P, TMP_DIR);
    mkdirSync(dir, { recursive: true });
    // pid 2^22 + 1 is above Linux's pid_max default: never alive.
    writeFileSync(path.join(dir, `abc.png.${2 ** 22 + 1}.tmp`), 'half a copy');
    writeFileSync(path.join(dir, `def.png.${process.pid}.tmp`), 'being written');
    openProject(P).close();
    expect(readdirSync(dir)).toEqual([`def.png.${process.pid}.tmp`]);
  });

  it('doctor does not claim an unfinished temp file will be reused', () => {
    const sub = readdirSync(path.join(P, 'images'))[0];
    writeFileSync(path.join(P, 'images', sub, 'x.png.123.tmp'), 'half');
    const store = openProject(P);
    try {
      const msgs = store.integrityCheck().warnings.map((w) => w.message);
      const tmpMsg = msgs.find((m) => m.includes('x.png.123.tmp'));
      expect(tmpMsg).toMatch(/never reused, safe to delete/);
      expect(tmpMsg).not.toMatch(/reuses them/);
    } finally {
      store.close();
    }
    expect(existsSync(P)).toBe(true);
  });
});
