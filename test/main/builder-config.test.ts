/** The installer config, checked with electron-builder's own schema validator (no Electron binary needed). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../api/fixture.ts';

const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(cfg: unknown, logger: unknown): Promise<void>;
};
const cfg = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8'));
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const targets = (list: Array<{ target: string }>) => list.map((t) => t.target);

describe('electron-builder.yml', () => {
  it('passes electron-builder schema validation', async () => {
    await expect(validateConfiguration(cfg, { add() {}, isEnabled: false })).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...cfg, nsis: { ...cfg.nsis, bogus: 1 } }, { add() {} }),
    ).rejects.toThrow(/nsis/);
  });

  it('builds NSIS per user, DMG, AppImage and deb', () => {
    expect(targets(cfg.win.target)).toEqual(['nsis']);
    expect(cfg.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: false });
    expect(targets(cfg.mac.target)).toEqual(['dmg']);
    expect(targets(cfg.linux.target).sort()).toEqual(['AppImage', 'deb']);
  });

  it('unpacks the native addons from asar and ships models as checked extra resources', () => {
    expect(cfg.asar).toBe(true);
    for (const n of ['better-sqlite3', 'onnxruntime-node', 'sharp'])
      expect(cfg.asarUnpack).toContain(`node_modules/${n}/**`);
    expect(cfg.extraResources).toEqual([{ from: 'resources/models', to: 'models', filter: ['**/*'] }]);
    const main = readFileSync(path.join(repoRoot, 'src/main/index.ts'), 'utf8');
    expect(main).toMatch(/process\.resourcesPath, 'models'/);
    expect(main).toMatch(/checkShippedModels\(modelsDir\)/);
  });

  it('never updates itself or publishes anywhere', () => {
    expect(cfg.publish).toBeNull();
    const deps = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(deps)).not.toContain('electron-updater');
    expect(JSON.stringify(cfg)).not.toMatch(/https?:\/\//);
  });

  it('sets the hardening fuses', () => {
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the bundles that package.json and the main process load', () => {
    expect(pkg.main).toBe('dist/main/index.js');
    for (const d of ['dist/main/**', 'dist/preload/**', 'dist/worker/**', 'dist/renderer/**'])
      expect(cfg.files).toContain(d);
    const build = readFileSync(path.join(repoRoot, 'scripts/build-electron.mjs'), 'utf8');
    for (const out of [
      'dist/main/index.js',
      'dist/preload/index.cjs',
      'dist/worker/index.js',
      'dist/cli/index.js',
    ])
      expect(build).toContain(out);
    // npm start builds the bundles and starts Electron where its binary exists (scripts/start.mjs).
    expect(pkg.scripts.start).toBe('node scripts/start.mjs');
    const start = readFileSync(path.join(repoRoot, 'scripts/start.mjs'), 'utf8');
    expect(start).toContain('scripts/build-electron.mjs');
  });
});
