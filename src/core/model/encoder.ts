import '../offline.ts';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { EncoderLoadError, readCard, verifyFiles } from './card.ts';
import { defaultThreads, selectProvider } from './providers.ts';
import type { EncoderCard, EncoderOptions, FeatureArray, ProviderInfo } from './types.ts';

/**
 * The frozen trunk: one onnxruntime-node session over `encoder.onnx`, on the execution provider
 * picked at run time. Inputs are canonical model tensors ([S*S] float32 per image, from
 * imaging's toModelInput); outputs are the named block tokens.
 */
export class Encoder {
  private constructor(
    readonly dir: string,
    readonly card: EncoderCard,
    /** sha256 of encoder.onnx (verified): the encoder id used by the feature cache and models. */
    readonly id: string,
    readonly provider: ProviderInfo,
    readonly batchSize: number,
    private session: ort.InferenceSession,
  ) {}

  static async load(dir: string, opts: EncoderOptions = {}): Promise<Encoder> {
    const card = readCard(dir);
    if (!opts.skipVerify) await verifyFiles(dir, card, ['encoder.onnx']);
    const threads = opts.threads ?? defaultThreads();
    const provider = await selectProvider(opts.provider, threads);
    const file = path.join(dir, 'encoder.onnx');
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, {
        executionProviders: provider.provider === 'cpu' ? ['cpu'] : [provider.provider, 'cpu'],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (e) {
      throw new EncoderLoadError(
        file,
        `onnxruntime could not load it on ${provider.provider}: ${(e as Error).message}`,
      );
    }
    if (session.inputNames[0] !== 'pixels' || !session.outputNames.includes('final')) {
      throw new EncoderLoadError(
        file,
        `expected input 'pixels' and output 'final', got ${session.inputNames} → ${session.outputNames}`,
      );
    }
    for (let k = 1; k <= card.arch.depth; k++) {
      if (!session.outputNames.includes(`block${k}`))
        throw new EncoderLoadError(file, `output block${k} missing`);
    }
    const batchSize = opts.batchSize ?? (provider.provider === 'cpu' ? 8 : 32);
    return new Encoder(dir, card, card.files['encoder.onnx'].toLowerCase(), provider, batchSize, session);
  }

  get size(): number {
    return this.card.preprocessing.size;
  }
  get depth(): number {
    return this.card.arch.depth;
  }
  get dim(): number {
    return this.card.arch.embed_dim;
  }
  /** Tokens per image including CLS. */
  get tokens(): number {
    const g = this.size / this.card.arch.patch_size;
    return 1 + g * g;
  }

  /**
   * Runs one batch of canonical inputs (each size×size float32) and returns the requested
   * outputs split per image: result[name][i] is [1+N, D].
   */
  async run(inputs: Float32Array[], outputs: string[]): Promise<Record<string, FeatureArray[]>> {
    const s = this.size;
    const px = new Float32Array(inputs.length * s * s);
    inputs.forEach((x, i) => {
      if (x.length !== s * s) throw new Error(`model input ${i} has ${x.length} values, expected ${s}×${s}`);
      px.set(x, i * s * s);
    });
    const feeds = { pixels: new ort.Tensor('float32', px, [inputs.length, 1, s, s]) };
    const res = await this.session.run(feeds, outputs);
    const out: Record<string, FeatureArray[]> = {};
    for (const name of outputs) {
      const t = res[name];
      const [b, n, d] = t.dims as number[];
      const data = t.data as Float32Array;
      out[name] = Array.from({ length: b }, (_, i) => ({
        shape: [n, d],
        data: data.slice(i * n * d, (i + 1) * n * d),
      }));
      t.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
