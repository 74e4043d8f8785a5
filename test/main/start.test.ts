/**
 * `npm start` from the README: without Electron's binary it explains itself in one sentence and
 * names `spcxr app`; with a binary it builds the bundles and runs it on the app folder. The real
 * binary cannot be downloaded on this project's machines, so the second case points Electron's
 * own ELECTRON_OVERRIDE_DIST_PATH at a stand-in executable that records how it was started.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../api/fixture.ts';

const hasBinary = existsSync(path.join(repoRoot, 'node_modules/electron/path.txt'));

function npmStart(env: NodeJS.ProcessEnv) {
  return spawnSync('npm', ['start', '--silent'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 110_000 });
}

describe('npm start', () => {
  it.skipIf(hasBinary)('without the Electron binary: one sentence that points to spcxr app', () => {
    const env = { ...process.env };
    delete env.ELECTRON_OVERRIDE_DIST_PATH;
    const r = npmStart(env);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/delete node_modules|failed to install correctly/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('npm start:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('npx spcxr app');
  });

  it('with a binary: builds the bundles and starts it on the app folder', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-electron-'));
    const log = path.join(dir, 'args.txt');
    try {
      writeFileSync(path.join(dir, 'electron'), `#!/bin/sh\necho "$@" > '${log}'\nexit 0\n`);
      chmodSync(path.join(dir, 'electron'), 0o755);
      const r = npmStart({ ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dir });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(log, 'utf8').trim()).toBe(repoRoot);
      expect(existsSync(path.join(repoRoot, 'dist/main/index.js'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
