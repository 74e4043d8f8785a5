/**
 * Antialiased bilinear resampling with exactly the arithmetic of Pillow's `Image.resize(size,
 * BILINEAR)` on a float ('F') image (libImaging/Resample.c): a triangle filter whose support
 * grows with the downscale factor, weights normalised per output pixel, pixel centres at +0.5,
 * double accumulation, float32 intermediate. Pretraining resizes with Pillow, so this must
 * agree with it to float rounding.
 */

export interface Coeffs {
  /** Per output pixel: first input index and number of taps. */
  bounds: Int32Array;
  /** ksize weights per output pixel (unused taps are 0). */
  weights: Float64Array;
  ksize: number;
}

export function precomputeCoeffs(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    const base = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      const w = t < 1 ? 1 - t : 0;
      weights[base + x] = w;
      ww += w;
    }
    if (ww !== 0) for (let x = 0; x < xmax; x++) weights[base + x] /= ww;
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

/**
 * Resamples a w×h image that sits at (offX, offY) inside a zero-filled side×side square to
 * out×out, without materialising the square: taps that fall on the padding add exactly 0,
 * as they do in Pillow.
 */
export function resampleSquare(
  src: Uint8Array | Float32Array,
  w: number,
  h: number,
  side: number,
  offX: number,
  offY: number,
  out: number,
): Float32Array {
  const c = precomputeCoeffs(side, out);
  // Taps clipped to the image (padding contributes exact zeros), and where their weights start.
  const first = new Int32Array(out);
  const last = new Int32Array(out);
  const wbase = new Int32Array(out);
  for (let i = 0; i < out; i++) {
    const min = c.bounds[i * 2];
    first[i] = Math.max(min, offX) - offX;
    last[i] = Math.min(min + c.bounds[i * 2 + 1], offX + w) - offX;
    wbase[i] = i * c.ksize - min + offX;
  }
  const k = c.weights;
  const tmp = new Float32Array(h * out);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const trow = y * out;
    for (let xx = 0; xx < out; xx++) {
      const wb = wbase[xx];
      let s = 0;
      for (let x = first[xx], e = last[xx]; x < e; x++) s += src[row + x] * k[wb + x];
      tmp[trow + xx] = s;
    }
  }
  // Vertical pass row by row; each output still sums its taps in ascending y, as Pillow does.
  const dst = new Float32Array(out * out);
  const acc = new Float64Array(out);
  for (let yy = 0; yy < out; yy++) {
    const min = c.bounds[yy * 2];
    const a = Math.max(min, offY);
    const b = Math.min(min + c.bounds[yy * 2 + 1], offY + h);
    acc.fill(0);
    for (let y = a; y < b; y++) {
      const wt = k[yy * c.ksize + y - min];
      const trow = (y - offY) * out;
      for (let xx = 0; xx < out; xx++) acc[xx] += tmp[trow + xx] * wt;
    }
    dst.set(acc, yy * out);
  }
  return dst;
}

/** General w×h → dw×dh resize with the same filter (no padding). */
export function resample(src: ArrayLike<number>, w: number, h: number, dw: number, dh: number): Float32Array {
  const cx = precomputeCoeffs(w, dw);
  const tmp = new Float32Array(h * dw);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < dw; xx++) {
      const xmin = cx.bounds[xx * 2];
      const n = cx.bounds[xx * 2 + 1];
      const base = xx * cx.ksize;
      let s = 0;
      for (let x = 0; x < n; x++) s += src[y * w + xmin + x] * cx.weights[base + x];
      tmp[y * dw + xx] = s;
    }
  }
  const cy = precomputeCoeffs(h, dh);
  const dst = new Float32Array(dw * dh);
  for (let yy = 0; yy < dh; yy++) {
    const ymin = cy.bounds[yy * 2];
    const n = cy.bounds[yy * 2 + 1];
    const base = yy * cy.ksize;
    for (let xx = 0; xx < dw; xx++) {
      let s = 0;
      for (let y = 0; y < n; y++) s += tmp[(ymin + y) * dw + xx] * cy.weights[base + y];
      dst[yy * dw + xx] = s;
    }
  }
  return dst;
}
