import { tf } from './backend.ts';
import type { Head } from './heads.ts';

export interface SegHeadConfig {
  /** Input size S (the encoder's preprocessing size) and token grid G = S / patch. */
  size: number;
  grid: number;
  dim: number;
  levels: number;
  /** Decoder width at grid resolution. */
  width: number;
  /** Full-resolution refinement stem on the image. */
  stem: boolean;
}

/**
 * Convolutions and upsampling written as matmuls (im2col; separable interpolation matrices):
 * the wasm backend has no Conv2DBackprop* or ResizeBilinearGrad kernels, but fast matmul.
 */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [kh, kw, cin, cout] = w.shape;
  const [b, h, wd] = x.shape;
  if (kh === 1)
    return tf.reshape(tf.matMul(tf.reshape(x, [-1, cin]), tf.reshape(w, [cin, cout])), [b, h, wd, cout]);
  const p = (kh - 1) / 2;
  const xp = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const oh = Math.ceil(h / stride);
  const ow = Math.ceil(wd / stride);
  if (cin <= 8 && stride === 1) {
    // Few input channels (the full-resolution stem): a sum of 9 shifted matmuls avoids the
    // concat, whose gradient (SplitV) is slow in wasm; measured 1.6–3× faster fwd+bwd at 112².
    const parts: tf.Tensor[] = [];
    for (let dy = 0; dy < kh; dy++) {
      for (let dx = 0; dx < kw; dx++) {
        const sl = tf.reshape(tf.slice(xp, [0, dy, dx, 0], [b, oh, ow, cin]), [-1, cin]);
        parts.push(tf.matMul(sl, tf.reshape(tf.slice(w, [dy, dx, 0, 0], [1, 1, cin, cout]), [cin, cout])));
      }
    }
    return tf.reshape(tf.addN(parts), [b, oh, ow, cout]);
  }
  const cols: tf.Tensor[] = [];
  for (let dy = 0; dy < kh; dy++) {
    for (let dx = 0; dx < kw; dx++) {
      const sl = tf.slice(xp, [0, dy, dx, 0], [b, (oh - 1) * stride + 1, (ow - 1) * stride + 1, cin]);
      cols.push(stride === 1 ? sl : tf.stridedSlice(sl, [0, 0, 0, 0], sl.shape, [1, stride, stride, 1]));
    }
  }
  const patches = tf.reshape(tf.concat(cols, 3), [b * oh * ow, kh * kw * cin]);
  return tf.reshape(tf.matMul(patches, tf.reshape(w, [kh * kw * cin, cout])), [b, oh, ow, cout]);
}

const interp = new Map<string, tf.Tensor2D>();
/** [out, in] bilinear interpolation matrix (align_corners = false, half-pixel centres). */
function interpMatrix(n: number, m: number): tf.Tensor2D {
  const key = `${n}>${m}`;
  let t = interp.get(key);
  if (!t) {
    const a = new Float32Array(m * n);
    for (let o = 0; o < m; o++) {
      const src = Math.min(n - 1, Math.max(0, ((o + 0.5) * n) / m - 0.5));
      const i0 = Math.floor(src);
      const i1 = Math.min(n - 1, i0 + 1);
      const f = src - i0;
      a[o * n + i0] += 1 - f;
      a[o * n + i1] += f;
    }
    t = tf.keep(tf.tensor2d(a, [m, n]));
    interp.set(key, t);
  }
  return t;
}

/** Bilinear resize of [B, H, W, C] to [B, oh, ow, C] by two matmuls. */
export function resizeBilinearMM(x: tf.Tensor4D, oh: number, ow: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const mw = interpMatrix(w, ow);
  const mh = interpMatrix(h, oh);
  // width: [B,H,W,C] → [B,H,C,W] · Mwᵀ → [B,H,C,ow]
  let y = tf.reshape(tf.matMul(tf.reshape(tf.transpose(x, [0, 1, 3, 2]), [-1, w]), mw, false, true), [
    b,
    h,
    c,
    ow,
  ]);
  // height: → [B,C,ow,H] · Mhᵀ → [B,C,ow,oh] → [B,oh,ow,C]
  y = tf.reshape(tf.matMul(tf.reshape(tf.transpose(y, [0, 2, 3, 1]), [-1, h]), mh, false, true), [
    b,
    c,
    ow,
    oh,
  ]);
  return tf.transpose(y, [0, 3, 2, 1]) as tf.Tensor4D;
}

function conv(shape: [number, number, number, number], seed: number): tf.Variable {
  const fanIn = shape[0] * shape[1] * shape[2];
  return tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed));
}

/**
 * Light segmentation decoder. The multi-level patch tokens ([L·D] per cell of the G×G grid,
 * each level normalised) go through a 1×1 and a 3×3 conv at grid resolution, then a linear
 * layer predicts an r×r block of logits per cell (pixel shuffle, r = S / 2G: the GMML head's
 * transposed-conv idea), bilinearly upsampled to S×S. A shallow full-resolution stem (two 3×3
 * convs over [coarse logits, image]) adds a residual correction so borders follow the image's
 * edges instead of the 16-pixel token grid. Everything is matmuls (see conv2d).
 */
export type SegHeadModel = Head & {
  /** Logits [B, S, S, 1]; with `half` (training without the stem) [B, S/2, S/2, 1]. */
  forwardSeg(tokens: tf.Tensor4D, image: tf.Tensor4D | null, half?: boolean): tf.Tensor4D;
};

export function segHead(cfg: SegHeadConfig, seed: number): SegHeadModel {
  const w = cfg.width;
  const r = cfg.size / 2 / cfg.grid;
  const vars: Record<string, tf.Variable> = {
    'proj.weight': conv([1, 1, cfg.levels * cfg.dim, w], seed),
    'proj.bias': tf.variable(tf.zeros([w])),
    'ctx.weight': conv([3, 3, w, w], seed + 1),
    'ctx.bias': tf.variable(tf.zeros([w])),
    'shuffle.weight': conv([1, 1, w, r * r], seed + 2),
    'shuffle.bias': tf.variable(tf.zeros([r * r])),
    'stem1.weight': conv([3, 3, 2, 8], seed + 3),
    'stem1.bias': tf.variable(tf.zeros([8])),
    'stem2.weight': tf.variable(tf.zeros([3, 3, 8, 1])),
    'stem2.bias': tf.variable(tf.zeros([1])),
  };
  const lin = (x: tf.Tensor4D, name: string) =>
    tf.add(conv2d(x, vars[`${name}.weight`] as tf.Tensor4D, 1), vars[`${name}.bias`]) as tf.Tensor4D;
  const forwardSeg = (tokens: tf.Tensor4D, image: tf.Tensor4D | null, halfRes = false) =>
    tf.tidy(() => {
      // Raw block outputs differ in scale by depth: normalise each level's token per cell.
      const [b, g] = tokens.shape;
      const lv = tf.reshape(tokens, [b, g, g, cfg.levels, cfg.dim]);
      const { mean, variance } = tf.moments(lv, -1, true);
      const normed = tf.reshape(tf.div(tf.sub(lv, mean), tf.sqrt(tf.add(variance, 1e-6))), [
        b,
        g,
        g,
        cfg.levels * cfg.dim,
      ]);
      let x = tf.relu(lin(normed as tf.Tensor4D, 'proj')) as tf.Tensor4D;
      x = tf.relu(lin(x, 'ctx')) as tf.Tensor4D;
      const blocks = tf.reshape(lin(x, 'shuffle'), [b, g, g, r, r]);
      const half = tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4]), [b, g * r, g * r, 1]) as tf.Tensor4D;
      if (halfRes && !cfg.stem) return half;
      const coarse = resizeBilinearMM(half, cfg.size, cfg.size);
      if (!cfg.stem || !image) return coarse;
      const h = tf.relu(lin(tf.concat([coarse, image], 3) as tf.Tensor4D, 'stem1')) as tf.Tensor4D;
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
