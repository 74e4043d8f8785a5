/** The encoder runtime (card check, EP choice, batching) against the pretraining golden vectors. */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Encoder } from '../../src/core/model/encoder.ts';
import { modelInputFromFile } from '../../src/core/model/input.ts';
import { selectProvider } from '../../src/core/model/providers.ts';
import { encoderDirs, maxAbsDiff, microDir, readGolden, repoRoot } from './golden.ts';

afterEach(() => {
  delete process.env.SPCXR_EP;
});

describe('Encoder runtime', () => {
  for (const dir of encoderDirs()) {
    const rel = path.relative(repoRoot, dir);
    it(`${rel}: every output matches golden.json (< 1e-3), batch of 3 with one different image`, async () => {
      const g = readGolden(dir);
      const enc = await Encoder.load(dir, { provider: 'cpu', batchSize: 3 });
      expect(enc.provider.provider).toBe('cpu');
      const other = g.input.data.map((v) => -v);
      const res = await enc.run([g.input.data, other, g.input.data], Object.keys(g.outputs));
      for (const [name, want] of Object.entries(g.outputs)) {
        expect(res[name]).toHaveLength(3);
        expect(res[name][0].shape).toEqual(want.shape.slice(1));
        expect(maxAbsDiff(res[name][0].data, want.data), `${rel} ${name}`).toBeLessThan(1e-3);
        expect(maxAbsDiff(res[name][2].data, want.data), `${rel} ${name} [2]`).toBeLessThan(1e-3);
        expect(
          maxAbsDiff(res[name][1].data, want.data),
          'a different image gives different tokens',
        ).toBeGreaterThan(1e-2);
      }
      expect(enc.id).toMatch(/^[0-9a-f]{64}$/);
      await enc.dispose();
    });
  }

  it('end to end from the PNG: the one preprocessing path reproduces the golden input and outputs', async () => {
    const g = readGolden(microDir);
    const enc = await Encoder.load(microDir, { provider: 'cpu' });
    const x = await modelInputFromFile(path.join(repoRoot, g.image), enc.card);
    expect(maxAbsDiff(x.data, g.input.data)).toBeLessThan(1e-3);
    const res = await enc.run([x.data], ['final']);
    expect(maxAbsDiff(res.final[0].data, g.outputs.final.data)).toBeLessThan(1e-3);
    await enc.dispose();
  });

  it('refuses an encoder whose file does not match the sha256 in model.json, naming the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-enc-'));
    copyFileSync(path.join(microDir, 'model.json'), path.join(dir, 'model.json'));
    writeFileSync(path.join(dir, 'encoder.onnx'), 'not an onnx file');
    await expect(Encoder.load(dir)).rejects.toThrow(/encoder\.onnx: sha256 mismatch/);
  });

  it('refuses a folder without a model card', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'spcxr-enc-'));
    await expect(Encoder.load(dir)).rejects.toThrow(/model\.json: model card not found/);
  });

  it('SPCXR_EP forces the provider and rejects unknown names', async () => {
    process.env.SPCXR_EP = 'cpu';
    const info = await selectProvider();
    expect(info).toMatchObject({ provider: 'cpu', reason: 'forced by SPCXR_EP' });
    expect(info.available).toContain('cpu');
    process.env.SPCXR_EP = 'tpu';
    await expect(selectProvider()).rejects.toThrow(/SPCXR_EP=tpu: unknown execution provider/);
  });

  it('automatic choice names a reason and never picks a software WebGPU adapter', async () => {
    const info = await selectProvider('auto');
    expect(info.reason.length).toBeGreaterThan(3);
    if (info.provider === 'webgpu') expect(info.adapter).not.toMatch(/llvmpipe|swiftshader/i);
  });
});
