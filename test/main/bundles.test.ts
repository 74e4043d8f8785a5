/**
 * The esbuild bundles that the packaged app loads: they build, load only what the installer
 * ships (production dependencies, Node built-ins, electron), and the bundled CLI runs without tsx.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../api/fixture.ts';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const shipped = new Set(Object.keys(pkg.dependencies));

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function imports(file: string): string[] {
  const src = readFileSync(path.join(repoRoot, file), 'utf8');
  const found = new Set<string>();
  for (const re of [/from "([^"./][^"]*)"/g, /import\("([^"./][^"]*)"\)/g, /require\d*\("([^"./][^"]*)"\)/g])
    for (const m of src.matchAll(re)) found.add(m[1]);
  return [...found];
}

beforeAll(() => {
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/build-electron.mjs')], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
});

describe('Electron bundles', () => {
  it('need nothing the installer does not ship', () => {
    for (const file of ['dist/main/index.js', 'dist/worker/index.js', 'dist/cli/index.js']) {
      const missing = imports(file).filter((spec) => {
        const name = packageName(spec.replace(/^node:/, ''));
        return !(
          spec.startsWith('node:') ||
          builtinModules.includes(name) ||
          name === 'electron' ||
          shipped.has(name)
        );
      });
      expect(missing, file).toEqual([]);
    }
    expect(imports('dist/preload/index.cjs')).toEqual(['electron']);
  });

  it('the bundled CLI runs in plain Node', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli/index.js'), 'serve', '--help'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/usage: spcxr serve DIR \[--port P\]/);
  });
});
