import { tf } from './backend.ts';
import { avgPool2, conv2d, conv2dFixedInput, resizeBilinearMM, upsample2 } from './conv-ops.ts';
import type { Head } from './heads.ts';

export { conv2d, resizeBilinearMM };

export interface SegHeadConfig {
  /** Input size S (the encoder's preprocessing size) and token grid G (S / patch, or 2S / patch dense). */
  size: number;
  grid: number;
  dim: number;
  levels: number;
  /** Decoder width at grid resolution. */
  width: number;
  /** Full-resolution refinement stem on the image (first decoder; kept for saved models). */
  stem: boolean;
  /** 3×3 context convs at grid resolution (default 1). */
  ctx?: number;
  /** Channels of the image branch at S/2 (0 or absent: no branch; the pixel-shuffle output). */
  branch?: number;
  /** The grid is the dense 2G × 2G grid of 4 half-patch-shifted encoder passes (views.ts). */
  dense?: boolean;
  /**
   * Slim fusion (absent in decoders saved before it): a 1×1 conv narrows the token features to
   * `lateral` channels before they are upsampled, and the S/4 fusion outputs `fuse2` channels
   * (default 2·branch), which is what the S/2 fusion then reads.
   */
  lateral?: number;
  fuse2?: number;
}

function conv(shape: [number, number, number, number], seed: number): tf.Variable {
  const fanIn = shape[0] * shape[1] * shape[2];
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed)));
}

/**
 * Light segmentation decoder. The multi-level patch tokens ([L·D] per cell of the G×G grid,
 * each level normalised) go through a 1×1 and `ctx` 3×3 convs at grid resolution. Then either
 * (no branch) a linear layer predicts an r×r block of logits per cell (pixel shuffle, r = S/2G:
 * the GMML head's transposed-conv idea), bilinearly upsampled to S×S, optionally corrected by a
 * shallow full-resolution stem; or (branch c) a small U-Net-style image branch at S/2 and S/4
 * (c and 2c channels) is fused with the token features on the way up, so borders follow the
 * image's edges rather than the token grid. Measured in docs/BENCHMARKS.md (lung Dice).
 */
export type SegHeadModel = Head & {
  /**
   * Logits [B, S, S, 1]; with `half` (training without the stem) [B, S/2, S/2, 1]. With
   * `normed`, `tokens` are already normTokens(...) (training normalises once, not every step).
   */
  forwardSeg(tokens: tf.Tensor4D, image: tf.Tensor4D | null, half?: boolean, normed?: boolean): tf.Tensor4D;
};

/** Raw block outputs differ in scale by depth: each level's token normalised per cell. */
export function normTokens(tokens: tf.Tensor4D, levels: number, dim: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, g] = tokens.shape;
    const lv = tf.reshape(tokens, [b, g, g, levels, dim]);
    const { mean, variance } = tf.moments(lv, -1, true);
    return tf.reshape(tf.div(tf.sub(lv, mean), tf.sqrt(tf.add(variance, 1e-6))), [b, g, g, levels * dim]);
  });
}

export function segHead(cfg: SegHeadConfig, seed: number): SegHeadModel {
  const w = cfg.width;
  const nctx = cfg.ctx ?? 1;
  const c = cfg.branch ?? 0;
  const r = cfg.size / 2 / cfg.grid;
  const vars: Record<string, tf.Variable> = {
    'proj.weight': conv([1, 1, cfg.levels * cfg.dim, w], seed),
    'proj.bias': tf.tidy(() => tf.variable(tf.zeros([w]))),
  };
  for (let k = 0; k < nctx; k++) {
    const n = k ? `ctx${k + 1}` : 'ctx';
    vars[`${n}.weight`] = conv([3, 3, w, w], seed + 1 + 10 * k);
    vars[`${n}.bias`] = tf.tidy(() => tf.variable(tf.zeros([w])));
  }
  const add = (name: string, shape: [number, number, number, number], s: number, zero = false) => {
    vars[`${name}.weight`] = zero ? tf.tidy(() => tf.variable(tf.zeros(shape))) : conv(shape, s);
    vars[`${name}.bias`] = tf.tidy(() => tf.variable(tf.zeros([shape[3]])));
  };
  const lat = cfg.lateral ?? 0;
  const f2 = cfg.fuse2 ?? 2 * c;
  if (c) {
    add('img1', [3, 3, 1, c], seed + 4);
    add('img2', [3, 3, c, 2 * c], seed + 5);
    if (lat) add('lateral', [1, 1, w, lat], seed + 9);
    add('fuse2', [3, 3, (lat || w) + 2 * c, f2], seed + 6);
    add('fuse1', [3, 3, f2 + c, c], seed + 7);
    add('out', [1, 1, c, 1], seed + 8);
  } else {
    add('shuffle', [1, 1, w, r * r], seed + 2);
    add('stem1', [3, 3, 2, 8], seed + 3);
    add('stem2', [3, 3, 8, 1], 0, true);
  }
  const lin = (x: tf.Tensor4D, name: string, fixedInput = false) =>
    tf.add(
      (fixedInput ? conv2dFixedInput : conv2d)(x, vars[`${name}.weight`] as tf.Tensor4D),
      vars[`${name}.bias`],
    ) as tf.Tensor4D;
  const relu = (x: tf.Tensor4D, name: string, fixedInput = false) =>
    tf.relu(lin(x, name, fixedInput)) as tf.Tensor4D;
  const cat = (xs: tf.Tensor4D[]) => tf.concat(xs, 3) as tf.Tensor4D;
  const forwardSeg = (tokens: tf.Tensor4D, image: tf.Tensor4D | null, halfRes = false, isNormed = false) =>
    tf.tidy(() => {
      const [b, g] = tokens.shape;
      const normed = isNormed ? tokens : normTokens(tokens, cfg.levels, cfg.dim);
      // Tokens and image are inputs, never trained: their convs skip the input gradient.
      let x = relu(normed, 'proj', true);
      for (let k = 0; k < nctx; k++) x = relu(x, k ? `ctx${k + 1}` : 'ctx');
      const S = cfg.size;
      if (c) {
        if (!image) throw new Error('segHead: the image branch needs the image');
        const f1 = relu(avgPool2(image), 'img1', true);
        const f2 = relu(avgPool2(f1), 'img2');
        const up = resizeBilinearMM(lat ? relu(x, 'lateral') : x, S / 4, S / 4);
        const y2 = relu(cat([up, f2]), 'fuse2');
        const y1 = relu(cat([upsample2(y2), f1]), 'fuse1');
        const half = lin(y1, 'out');
        return halfRes ? half : resizeBilinearMM(half, S, S);
      }
      const blocks = tf.reshape(lin(x, 'shuffle'), [b, g, g, r, r]);
      const half = tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4]), [b, g * r, g * r, 1]) as tf.Tensor4D;
      if (halfRes && !cfg.stem) return half;
      const coarse = resizeBilinearMM(half, S, S);
      if (!cfg.stem || !image) return coarse;
      const h = relu(cat([coarse, image]), 'stem1');
      return tf.add(coarse, lin(h, 'stem2')) as tf.Tensor4D;
    });
  return {
    kind: 'segdecoder',
    vars,
    consts: {},
    forwardSeg,
    forward: () => {
      throw new Error('segHead: use forwardSeg');
    },
  };
}

/** Tokens [1+N, D] of each level (CLS dropped) → one [G, G, L·D] grid, channels-last. */
export function tokenGrid(levels: Float32Array[], grid: number, dim: number): Float32Array {
  const n = grid * grid;
  const L = levels.length;
  const out = new Float32Array(n * L * dim);
  for (let t = 0; t < n; t++) {
    for (let l = 0; l < L; l++) out.set(levels[l].subarray((t + 1) * dim, (t + 2) * dim), (t * L + l) * dim);
  }
  return out;
}
