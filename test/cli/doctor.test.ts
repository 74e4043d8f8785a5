/** `spcxr doctor` reports what is usable here, the app version and a verdict. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../../src/cli/browser.ts';
import { cli, REPO } from './run.ts';

type Doctor = {
  ok: boolean;
  version: string;
  verdict: string;
  onnxruntimeBackends: Array<{ name: string; usable: boolean }>;
  webgpuAdapter: unknown;
  optional: Array<{ name: string; usable: boolean; detail: string }>;
};

describe('spcxr doctor', () => {
  it('reports what is usable, not what is listed, with the version and a verdict', () => {
    const r = cli('doctor', '--json');
    const j = r.json() as Doctor;
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(j.version).toBe(pkg.version);
    expect(j.ok).toBe(true);
    expect(j.verdict).toMatch(/^ready: /);

    const backend = new Map(j.onnxruntimeBackends.map((b) => [b.name, b.usable]));
    expect(backend.get('cpu')).toBe(true);
    expect(backend.get('webgpu') ?? false).toBe(j.webgpuAdapter !== null);
    // CUDA/TensorRT count only with their provider libraries (install.sh skips them).
    const bin = path.join(REPO, 'node_modules/onnxruntime-node/bin/napi-v6', process.platform, process.arch);
    for (const name of ['cuda', 'tensorrt'])
      if (backend.has(name))
        expect(backend.get(name)).toBe(existsSync(path.join(bin, `libonnxruntime_providers_${name}.so`)));

    const opt = new Map(j.optional.map((o) => [o.name, o]));
    expect(opt.get('electron')?.usable).toBe(existsSync(path.join(REPO, 'node_modules/electron/path.txt')));
    expect(opt.get('chromium')?.usable).toBe(findChromium() !== undefined);
    const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, numpy, PIL, yaml'], {
      timeout: 60_000,
    });
    expect(opt.get('python')?.usable).toBe(torch.status === 0);
    expect(opt.get('shared test data')?.usable).toBe(existsSync(path.join(REPO, '../shared/data/cxr')));
    for (const o of j.optional) if (!o.usable) expect(j.verdict).toContain(o.name);

    const text = cli('doctor');
    expect(text.stdout).toContain(`SPCXR Studio ${pkg.version}\n`);
    expect(text.stdout).toMatch(/\nverdict: ready: /);
    expect(text.stdout).not.toMatch(/electron \d+\.\d+\.\d+/); // a listed package is not an installed binary
  });
});
