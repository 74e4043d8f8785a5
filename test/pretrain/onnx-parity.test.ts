/**
 * ONNX Runtime (onnxruntime-node, CPU EP) must reproduce PyTorch's outputs stored in each
 * encoder's golden.json (written by `python -m pretrain.export`), and every checksum in the
 * model card must match the file on disk.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Golden {
  image: string;
  input: { name: string; shape: number[]; data: string };
  outputs: Record<string, { shape: number[]; data: string }>;
}

function f32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}

function modelDirs(): string[] {
  const roots = ['test/fixtures/models', 'resources/models'].map((r) => path.join(repoRoot, r));
  return roots.flatMap((root) =>
    existsSync(root)
      ? readdirSync(root)
          .map((d) => path.join(root, d))
          .filter((d) => existsSync(path.join(d, 'golden.json')))
      : [],
  );
}

describe('pretrain ONNX export parity', () => {
  const dirs = modelDirs();
  it('finds at least the vit-micro fixture', () => {
    expect(dirs.map((d) => path.basename(d))).toContain('vit-micro');
  });

  for (const dir of dirs) {
    const rel = path.relative(repoRoot, dir);
    it(`${rel}: card checksums match`, () => {
      const card = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
      for (const [file, sha] of Object.entries(card.files as Record<string, string>)) {
        const got = createHash('sha256')
          .update(readFileSync(path.join(dir, file)))
          .digest('hex');
        expect(got, `${rel}/${file}`).toBe(sha);
      }
    });

    it(`${rel}: onnxruntime-node equals PyTorch (max abs diff < 1e-4)`, async () => {
      const golden: Golden = JSON.parse(readFileSync(path.join(dir, 'golden.json'), 'utf8'));
      expect(existsSync(path.join(repoRoot, golden.image)), golden.image).toBe(true);
      const session = await ort.InferenceSession.create(path.join(dir, 'encoder.onnx'));
      expect(session.inputNames).toEqual(['pixels']);
      expect([...session.outputNames].sort()).toEqual(Object.keys(golden.outputs).sort());
      // Batch of 2 identical images: checks the dynamic batch axis as well as the values.
      const one = f32(golden.input.data);
      const two = new Float32Array(one.length * 2);
      two.set(one);
      two.set(one, one.length);
      const [, c, h, w] = golden.input.shape;
      const result = await session.run({ pixels: new ort.Tensor('float32', two, [2, c, h, w]) });
      for (const [name, want] of Object.entries(golden.outputs)) {
        const got = result[name];
        expect(got.dims, name).toEqual([2, ...want.shape.slice(1)]);
        const a = got.data as Float32Array;
        const b = f32(want.data);
        let maxDiff = 0;
        for (let i = 0; i < 2 * b.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i % b.length]));
        expect(maxDiff, `${rel} ${name}`).toBeLessThan(1e-4);
      }
      await session.release();
    });
  }
});
