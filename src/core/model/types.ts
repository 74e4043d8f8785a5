/**
 * Encoder runtime contract (issue 4). The frozen trunk runs in onnxruntime-node; its features
 * are cached per image, encoder, layer and view, and the TF.js heads train on that cache.
 */

/** `arch` of the model card, as written by `pretrain/` (see docs/ARCHITECTURE.md). */
export interface EncoderArch {
  img_size: number;
  patch_size: number;
  embed_dim: number;
  depth: number;
  num_heads: number;
  mlp_ratio: number;
  in_chans: number;
  ln_eps: number;
}

/** The model card `model.json` beside every encoder. */
export interface EncoderCard {
  name: string;
  arch: EncoderArch;
  preprocessing: { size: number; mean: number; std: number; pad?: string; resize?: string };
  /** File name → sha256 (hex). `encoder.onnx` must be listed. */
  files: Record<string, string>;
  training?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  git_rev?: string;
}

/** Execution providers the runtime may pick. */
export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';

/** Which EP runs the encoder and why; shown by `spcxr doctor` and the UI. */
export interface ProviderInfo {
  provider: ExecutionProvider;
  /** Human-readable device, e.g. 'CPU (2 threads)' or the WebGPU adapter description. */
  device: string;
  /** Why this EP: 'forced by SPCXR_EP', 'webgpu adapter found', 'no GPU adapter', ... */
  reason: string;
  /** EPs this onnxruntime build lists, and whether a GPU adapter was found. */
  available: string[];
  adapter: string | null;
}

export interface EncoderOptions {
  /** Force an EP (else `SPCXR_EP`, else automatic). */
  provider?: ExecutionProvider | 'auto';
  /** Intra-op threads for the CPU EP (default: all cores; env `SPCXR_THREADS`). */
  threads?: number;
  /** Images per session run (default 8 on CPU, 32 on GPU). */
  batchSize?: number;
  /** Skip the sha256 check of `encoder.onnx` (never for user-facing loads). */
  skipVerify?: boolean;
}

/** Named encoder outputs: `block1..blockL` and `final`, each [B, 1+N, D]. */
export type EncoderOutputName = `block${number}` | 'final';

/**
 * A cached feature kind ("layer" in the cache key):
 * - `pooled`: CLS ‖ mean of patch tokens of `final`, [2D] (linear probe);
 * - `final`: patch tokens of `final` plus CLS, [1+N, D] (attentive probe);
 * - `block{k}`: raw tokens of block k, [1+N, D] (segmentation levels, last-k fine-tuning).
 */
/** pooled3: `pooled` of three depths (multiLevels) side by side, the small-set linear probe's input. */
export type FeatureLayer = 'pooled' | 'pooled3' | 'final' | `block${number}`;

/**
 * A view of an image: 0 = plain; 1 = horizontal flip (augmentation); ≥ 2 = the shifted and
 * augmented views of the segmenter's dense grid (see views.ts).
 */
export type ViewId = number;

/** One feature array with its shape (row-major float32). */
export interface FeatureArray {
  shape: number[];
  data: Float32Array;
}

export interface ProgressInfo {
  phase: string;
  done: number;
  total: number;
  /** Training epochs report their losses so that shells can draw live curves. */
  trainLoss?: number;
  valLoss?: number;
}

export interface RunControl {
  signal?: AbortSignal;
  onProgress?: (p: ProgressInfo) => void;
}
