/**
 * Window/level in the browser: the raw stored pixels go through a lookup table built from
 * the modality transform, the VOI window and the inversion, so a drag redraws without a
 * round trip. Same order as the core: rescale → VOI (linear) → MONOCHROME1 invert → user invert.
 */

export interface Window {
  center: number;
  width: number;
}

export interface RawImage {
  width: number;
  height: number;
  /** Stored values, row-major. */
  data: Uint8Array | Uint16Array | Int16Array;
  /** Inclusive range of stored values the LUT must cover. */
  storedRange: [number, number];
  slope: number;
  intercept: number;
  /** MONOCHROME1: invert after the VOI step. */
  invert: boolean;
}

/** DICOM PS3.3 C.11.2.1.2.1 linear VOI function, to 0..255. */
export function voiLinear(v: number, w: Window): number {
  const c = w.center - 0.5;
  const wd = Math.max(1, w.width) - 1;
  if (v <= c - wd / 2) return 0;
  if (v > c + wd / 2) return 255;
  return Math.round(((v - c) / wd + 0.5) * 255);
}

/** A table indexed by `stored − storedRange[0]`. */
export function buildLut(img: RawImage, w: Window, userInvert: boolean): Uint8Array {
  const [lo, hi] = img.storedRange;
  const lut = new Uint8Array(hi - lo + 1);
  const inv = img.invert !== userInvert;
  for (let s = lo; s <= hi; s++) {
    const v = voiLinear(s * img.slope + img.intercept, w);
    lut[s - lo] = inv ? 255 - v : v;
  }
  return lut;
}

/** Writes opaque gray RGBA for the whole image. */
export function applyLut(img: RawImage, lut: Uint8Array, out: Uint8ClampedArray): void {
  const lo = img.storedRange[0];
  const d = img.data;
  for (let i = 0, o = 0; i < d.length; i++, o += 4) {
    const g = lut[d[i] - lo];
    out[o] = g;
    out[o + 1] = g;
    out[o + 2] = g;
    out[o + 3] = 255;
  }
}

/**
 * A drag of (dx, dy) screen pixels: right widens the window, down raises the level,
 * as in most PACS viewers. Sensitivity scales with the modality range so 12- and 16-bit
 * images feel the same as 8-bit ones.
 */
export function dragWindow(w: Window, dx: number, dy: number, modalityRange: number): Window {
  const k = Math.max(modalityRange, 1) / 512;
  return { center: w.center + dy * k, width: Math.max(1, w.width + dx * k) };
}

/** The full modality range as a window, always offered as a preset. */
export function fullRange(img: RawImage): Window {
  const a = img.storedRange[0] * img.slope + img.intercept;
  const b = img.storedRange[1] * img.slope + img.intercept;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return { center: (lo + hi + 1) / 2, width: hi - lo + 1 };
}

/** Window from the 1st–99th percentiles of the image: a good start for images without presets. */
export function autoWindow(img: RawImage): Window {
  const [lo, hi] = img.storedRange;
  const hist = new Uint32Array(hi - lo + 1);
  for (let i = 0; i < img.data.length; i++) hist[img.data[i] - lo]++;
  const n = img.data.length;
  let acc = 0;
  let p1 = lo;
  let p99 = hi;
  for (let s = 0; s < hist.length; s++) {
    acc += hist[s];
    if (acc >= n * 0.01 && p1 === lo) p1 = s + lo;
    if (acc >= n * 0.99) {
      p99 = s + lo;
      break;
    }
  }
  const a = p1 * img.slope + img.intercept;
  const b = p99 * img.slope + img.intercept;
  return { center: (a + b + 1) / 2, width: Math.max(1, Math.abs(b - a) + 1) };
}

/**
 * The server's raw PNG holds `stored − storedRange[0]` (PNG has no negative values), so the
 * offset folds into the intercept: modality = raw·slope + (intercept + lo·slope).
 */
export function rawFromPng(
  meta: { storedRange: [number, number]; rescaleSlope: number; rescaleIntercept: number; invert: boolean },
  png: { width: number; height: number; data: Uint8Array | Uint16Array },
): RawImage {
  const [lo, hi] = meta.storedRange;
  let max = 0;
  for (let i = 0; i < png.data.length; i++) if (png.data[i] > max) max = png.data[i];
  return {
    width: png.width,
    height: png.height,
    data: png.data,
    storedRange: [0, Math.max(max, Math.round(hi - lo))],
    slope: meta.rescaleSlope,
    intercept: meta.rescaleIntercept + lo * meta.rescaleSlope,
    invert: meta.invert,
  };
}

interface DisplayMeta {
  windows: Window[];
  storedRange: [number, number];
  rescaleSlope: number;
  rescaleIntercept: number;
}

/** Full modality range of an image from its metadata (before the raw pixels arrive). */
export function modalityRange(m: DisplayMeta): Window {
  const a = m.storedRange[0] * m.rescaleSlope + m.rescaleIntercept;
  const b = m.storedRange[1] * m.rescaleSlope + m.rescaleIntercept;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return { center: (lo + hi + 1) / 2, width: hi - lo + 1 };
}

/**
 * The window the server's display rendering used: the file's first window, else min–max of the
 * modality values (as the core's default VOI). A window/level drag must start here, not from an
 * 8-bit default, or the first drag on a 12–16-bit image turns it black.
 */
export function defaultWindow(m: DisplayMeta): Window {
  const w = m.windows[0];
  return w ? { center: w.center, width: w.width } : modalityRange(m);
}
