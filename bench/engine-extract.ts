/**
 * Feature-extraction throughput: the encoder in onnxruntime-node (this engine) vs PyTorch CPU
 * (Debian torch, /usr/bin/python3) on the same model and weights, in the same run. The two
 * alternate in rounds so the shared machine's load hits both alike; each reports images/s of
 * the forward pass over random canonical inputs (decode/preprocessing excluded on both sides).
 *
 *   npx tsx bench/engine-extract.ts [ENCODER_DIR] [--batch 8] [--rounds 4] [--batches 4] [--threads N]
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Encoder } from '../src/core/model/encoder.ts';
import { segLevels } from '../src/core/model/features.ts';
import { resolveEncoderDir } from '../src/core/model/resolve.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (k: string, d: number) => {
  const i = args.indexOf(`--${k}`);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const dir = resolveEncoderDir(args[0] && !args[0].startsWith('--') ? args[0] : undefined);
const B = opt('batch', 8);
const rounds = opt('rounds', 4);
const batches = opt('batches', 4);
const threads = opt('threads', os.availableParallelism());

const enc = await Encoder.load(dir, { provider: 'cpu', threads, batchSize: B });
const outputs = [...new Set(['final', ...segLevels(enc.depth).filter((l) => l !== 'final')])];
const py = spawn('/usr/bin/python3', [path.join(root, 'bench/engine_torch_peer.py'), dir, String(threads)], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const lines = readline.createInterface({ input: py.stdout })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value as string);
const ready = await next();

const x = Array.from({ length: B }, () =>
  Float32Array.from({ length: enc.size * enc.size }, () => Math.random() * 2 - 1),
);
await enc.run(x, outputs); // warm-up (graph optimisation, allocations)
py.stdin.write(`${B} 1\n`);
await next();

let ortS = 0;
let torchS = 0;
for (let r = 0; r < rounds; r++) {
  const t = performance.now();
  for (let i = 0; i < batches; i++) await enc.run(x, outputs);
  const o = (performance.now() - t) / 1000;
  py.stdin.write(`${B} ${batches}\n`);
  const p = (await next()).seconds as number;
  ortS += o;
  torchS += p;
  console.log(
    `round ${r + 1}: onnxruntime ${((B * batches) / o).toFixed(1)} img/s, torch ${((B * batches) / p).toFixed(1)} img/s`,
  );
}
py.stdin.end();
const n = B * batches * rounds;
const result = {
  encoder: enc.card.name,
  arch: `${enc.card.arch.embed_dim}d×${enc.depth} @${enc.size}`,
  batch: B,
  images: n,
  threads,
  cpu: os.cpus()[0]?.model,
  torch: ready.torch,
  ortImgPerS: n / ortS,
  torchImgPerS: n / torchS,
  ratio: torchS / ortS,
  load: os.loadavg()[0],
};
console.log(JSON.stringify(result));
await enc.dispose();
