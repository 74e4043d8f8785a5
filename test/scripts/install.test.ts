/**
 * install.sh's building blocks (scripts/install-lib.sh): it waits for another apt instead of
 * failing with exit 100, prints one line per package group, and turns npm's EBADENGINE
 * warnings into one line that says what they mean.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../api/fixture.ts';

const lib = path.join(repoRoot, 'scripts/install-lib.sh');

function bash(script: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync('bash', ['-c', `set -euo pipefail; source '${lib}'; ${script}`], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 110_000,
  });
}

// What npm 11 prints on Node 20 for electron-builder's @electron/rebuild (recorded).
const NPM_LOG = `npm warn EBADENGINE Unsupported engine {
npm warn EBADENGINE   package: '@electron/rebuild@4.0.1',
npm warn EBADENGINE   required: { node: '>=22.12.0' },
npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }
npm warn EBADENGINE }
npm warn EBADENGINE Unsupported engine {
npm warn EBADENGINE   package: 'node-abi@4.14.0',
npm warn EBADENGINE   required: { node: '>=22.12.0' },
npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }
npm warn EBADENGINE }
npm warn deprecated something@1.0.0: kept
`;

describe('install.sh', () => {
  it('explains EBADENGINE in one line and passes other warnings through', () => {
    const r = spawnSync('bash', ['-c', `source '${lib}'; explain_ebadengine`], {
      input: NPM_LOG,
      encoding: 'utf8',
    });
    expect(r.stderr.trim()).toBe('npm warn deprecated something@1.0.0: kept');
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('@electron/rebuild@4.0.1, node-abi@4.14.0 want a newer Node');
    expect(lines[0]).toContain('npm run dist');
  });

  it('runs through to the end (npm stood in for, so node_modules stays as it is)', () => {
    // Only `npm ci` is replaced: it would reinstall this checkout's node_modules. It prints what
    // npm 11 prints on Node 20; Debian packages are checked for real (all present after install).
    const bin = mkdtempSync(path.join(os.tmpdir(), 'spcxr-npm-'));
    try {
      writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "npm $*"\ncat >&2 <<'X'\n${NPM_LOG}X\n`);
      chmodSync(path.join(bin, 'npm'), 0o755);
      const r = spawnSync('bash', [path.join(repoRoot, 'scripts/install.sh')], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
        timeout: 110_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('npm ci --no-audit --no-fund');
      expect(r.stdout).toContain("npm's EBADENGINE warnings (@electron/rebuild@4.0.1, node-abi@4.14.0");
      expect(r.stderr).not.toContain('EBADENGINE');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  const root = process.platform === 'linux' && process.getuid?.() === 0;
  // As root, so apt-get is the shell function below rather than `sudo apt-get`.
  it.skipIf(!root)('uses the lock timeout and names each package group on one line', () => {
    const r = bash(
      'calls=$(mktemp); apt-get() { echo "$@" >> "$calls"; }; want "a viewer" pkg-a pkg-b; want "fonts" pkg-c; apt_install_groups; cat "$calls"; rm "$calls"',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      'install.sh: Debian packages for a viewer: pkg-a pkg-b',
      'install.sh: Debian packages for fonts: pkg-c',
      '-o DPkg::Lock::Timeout=5 update -qq',
      '-o DPkg::Lock::Timeout=5 install -y -qq --no-install-recommends pkg-a pkg-b pkg-c',
    ]);
  });

  const canLock = root && existsSync('/var/lib/dpkg/lock-frontend');
  it.skipIf(!canLock)('waits for another apt holding the locks, says so, then installs', async () => {
    // A real holder of apt's and dpkg's locks (fcntl, as apt takes them) for a few seconds.
    const holder = spawn(
      '/usr/bin/python3',
      [
        '-c',
        `import fcntl, time
fs = [open(p, 'a') for p in ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock']]
for f in fs: fcntl.lockf(f, fcntl.LOCK_EX)
print('locked', flush=True)
time.sleep(4)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    // Without waiting, apt-get update fails at once with exit 100.
    expect(spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' }).status).toBe(100);
    // xvfb is installed by install.sh already: the install is a no-op once the lock is free.
    const r = bash('want "a display" xvfb; apt_install_groups');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('install.sh: Debian packages for a display: xvfb');
    expect(r.stdout).toMatch(/another apt or dpkg is running \(held by process \d+ \(python3\)\); waiting/);
    holder.kill();
  });
});
