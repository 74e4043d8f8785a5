import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { probeWebGpuAdapter } from '../model/providers.ts';

export type TfBackendName = 'wasm' | 'cpu' | 'webgpu';

export interface TfBackendInfo {
  backend: TfBackendName;
  reason: string;
}

let current: Promise<TfBackendInfo> | undefined;

async function tryWebGpu(): Promise<boolean> {
  try {
    const { create, globals } = (await import('webgpu')) as unknown as {
      create: (o: string[]) => GPU;
      globals: Record<string, unknown>;
    };
    Object.assign(globalThis, globals);
    Object.defineProperty(
      globalThis.navigator ?? Object.assign(globalThis, { navigator: {} }).navigator,
      'gpu',
      {
        value: create([]),
        configurable: true,
      },
    );
    await import('@tensorflow/tfjs-backend-webgpu');
    return await tf.setBackend('webgpu');
  } catch {
    return false;
  }
}

/**
 * Initialises TF.js once per process. Measured (docs/BENCHMARKS.md, bench/engine-tf-backend.ts):
 * wasm is 3–34× faster than the plain JS cpu backend for every head, so it is the default.
 * WebGPU is used only when forced (`SPCXR_TF_BACKEND=webgpu`): the heads are small and bound
 * by per-op overhead, which GPU dispatch makes worse, and TF.js's WebGPU backend cannot read
 * synchronously in plain Node (it needs OffscreenCanvas), which the scoring paths do.
 */
export function initTf(prefer: string | undefined = process.env.SPCXR_TF_BACKEND): Promise<TfBackendInfo> {
  current ??= (async (): Promise<TfBackendInfo> => {
    const want = prefer && prefer !== 'auto' ? prefer : undefined;
    if (want && !['wasm', 'cpu', 'webgpu'].includes(want)) {
      throw new Error(`SPCXR_TF_BACKEND=${want}: unknown TF.js backend (use auto, wasm, cpu, webgpu)`);
    }
    if (want === 'webgpu') {
      const adapter = await probeWebGpuAdapter();
      if (await tryWebGpu()) {
        await tf.ready();
        return { backend: 'webgpu', reason: `forced; adapter ${adapter?.description ?? 'unknown'}` };
      }
      throw new Error('TF.js WebGPU backend could not start (no usable adapter)');
    }
    const name = (want as TfBackendName | undefined) ?? 'wasm';
    if (!(await tf.setBackend(name))) throw new Error(`TF.js backend ${name} failed to initialise`);
    await tf.ready();
    return {
      backend: name,
      reason: want ? 'forced' : 'no hardware WebGPU adapter; wasm measured fastest on CPU',
    };
  })();
  return current;
}

export { tf };
