import '../offline.ts';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { listSupportedBackends } from 'onnxruntime-node';
import type { ExecutionProvider, ProviderInfo } from './types.ts';

const EPS: ExecutionProvider[] = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'];

export interface AdapterProbe {
  description: string;
  /** Software rasterisers (llvmpipe, SwiftShader) are real but far slower than the CPU EP. */
  software: boolean;
}

/**
 * Asks Dawn (npm `webgpu`) for an adapter in a child process: a missing Vulkan loader or a
 * crashing driver must not take the worker down with it. Cached for the process lifetime.
 */
let adapterPromise: Promise<AdapterProbe | null> | undefined;
export function probeWebGpuAdapter(timeoutMs = 15_000): Promise<AdapterProbe | null> {
  adapterPromise ??= new Promise((resolve) => {
    const script = `
      import('webgpu').then(async ({ create, globals }) => {
        Object.assign(globalThis, globals);
        const a = await create([]).requestAdapter();
        if (!a) { process.stdout.write('null'); return; }
        const i = a.info ?? {};
        process.stdout.write(JSON.stringify({ d: [i.vendor, i.architecture, i.description, i.device].filter(Boolean).join(' '), t: i.adapterType ?? i.type ?? '' }));
      }).catch(() => process.stdout.write('null')).finally(() => setTimeout(() => process.exit(0), 10));`;
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: timeoutMs },
      (err, stdout) => {
        if (err || !stdout.trim() || stdout.trim() === 'null') return resolve(null);
        try {
          const { d, t } = JSON.parse(stdout) as { d: string; t: string };
          const software = /cpu/i.test(t) || /llvmpipe|swiftshader|lavapipe|software/i.test(d);
          resolve({ description: d || 'WebGPU adapter', software });
        } catch {
          resolve(null);
        }
      },
    );
  });
  return adapterPromise;
}

function parseForced(v: string | undefined): ExecutionProvider | undefined {
  if (!v || v === 'auto') return undefined;
  if (!(EPS as string[]).includes(v)) {
    throw new Error(`SPCXR_EP=${v}: unknown execution provider (use one of auto, ${EPS.join(', ')})`);
  }
  return v as ExecutionProvider;
}

export function defaultThreads(): number {
  const env = Number(process.env.SPCXR_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Picks the execution provider: forced (option, then `SPCXR_EP`), else CUDA/DirectML/CoreML when
 * this onnxruntime build bundles them, else WebGPU when a hardware adapter exists, else CPU.
 */
export async function selectProvider(
  forced?: ExecutionProvider | 'auto',
  threads = defaultThreads(),
): Promise<ProviderInfo> {
  const available = listSupportedBackends()
    .filter((b) => b.bundled)
    .map((b) => b.name);
  const want = forced && forced !== 'auto' ? forced : parseForced(process.env.SPCXR_EP);
  const adapter = available.includes('webgpu') ? await probeWebGpuAdapter() : null;
  const cpu = `CPU (${threads} threads, ${os.cpus()[0]?.model.trim() ?? 'unknown'})`;
  if (want) {
    if (!available.includes(want)) {
      throw new Error(
        `execution provider '${want}' is not available in this onnxruntime build (have: ${available.join(', ')})`,
      );
    }
    const device =
      want === 'cpu'
        ? cpu
        : want === 'webgpu'
          ? (adapter?.description ?? 'WebGPU (no adapter found by probe)')
          : want;
    return {
      provider: want,
      device,
      reason: forced ? 'forced by setting' : 'forced by SPCXR_EP',
      available,
      adapter: adapter?.description ?? null,
    };
  }
  for (const ep of ['cuda', 'dml', 'coreml'] as const) {
    if (available.includes(ep))
      return {
        provider: ep,
        device: ep,
        reason: `${ep} bundled`,
        available,
        adapter: adapter?.description ?? null,
      };
  }
  if (adapter && !adapter.software) {
    return {
      provider: 'webgpu',
      device: adapter.description,
      reason: 'WebGPU adapter found',
      available,
      adapter: adapter.description,
    };
  }
  const reason = adapter
    ? `only a software WebGPU adapter (${adapter.description}); CPU is faster`
    : 'no WebGPU adapter';
  return { provider: 'cpu', device: cpu, reason, available, adapter: adapter?.description ?? null };
}
