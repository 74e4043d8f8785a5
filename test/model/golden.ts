/** Reads an encoder's golden.json (written by `pretrain/export.py`): input and every output. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const microDir = path.join(repoRoot, 'test/fixtures/models/vit-micro');

export interface Golden {
  image: string;
  input: { shape: number[]; data: Float32Array };
  outputs: Record<string, { shape: number[]; data: Float32Array }>;
}

function f32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}

export function readGolden(dir: string): Golden {
  const g = JSON.parse(readFileSync(path.join(dir, 'golden.json'), 'utf8'));
  const outputs: Golden['outputs'] = {};
  for (const [k, v] of Object.entries(g.outputs as Record<string, { shape: number[]; data: string }>)) {
    outputs[k] = { shape: v.shape, data: f32(v.data) };
  }
  return { image: g.image, input: { shape: g.input.shape, data: f32(g.input.data) }, outputs };
}

/** Every encoder folder with golden vectors: the test fixture and the shipped encoders. */
export function encoderDirs(): string[] {
  return ['test/fixtures/models', 'resources/models']
    .map((r) => path.join(repoRoot, r))
    .flatMap((root) =>
      existsSync(root)
        ? readdirSync(root)
            .map((d) => path.join(root, d))
            .filter((d) => existsSync(path.join(d, 'golden.json')))
        : [],
    );
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
