import type { DecodedImage, DisplayOptions } from './types.ts';
import { lutLookup, type VoiFn, voiLutFn, windowFn } from './voi.ts';

function selectVoi(img: DecodedImage, opts: DisplayOptions): { fn: VoiFn; identity: boolean } {
  if (opts.voiLutIndex !== undefined || (opts.window === undefined && img.defaultVoiLut !== undefined)) {
    const i = opts.voiLutIndex ?? img.defaultVoiLut ?? 0;
    const lut = img.voiLuts[i];
    if (!lut) throw new RangeError(`VOI LUT ${i} does not exist (image has ${img.voiLuts.length})`);
    return { fn: voiLutFn(lut), identity: false };
  }
  const w =
    typeof opts.window === 'object' ? { ...opts.window, name: 'custom' } : img.windows[opts.window ?? 0];
  if (!w)
    throw new RangeError(`window ${String(opts.window)} does not exist (image has ${img.windows.length})`);
  const identity = (w.fn ?? 'LINEAR') === 'LINEAR' && w.center === 128 && w.width === 256;
  return { fn: windowFn(w), identity };
}

function isIntegerArray(a: DecodedImage['raw']): boolean {
  return !(a instanceof Float32Array);
}

/**
 * 8-bit display rendering: modality LUT or rescale → VOI LUT or window → inversion
 * (MONOCHROME1 / Presentation LUT INVERSE, xor the user's `invert`). Integer images go through
 * one lookup table over the stored range, so the per-pixel cost is a single indexed load.
 * An 8-bit image shown at its identity window is returned as is (no copy): do not mutate it.
 */
export function renderDisplay(img: DecodedImage, opts: DisplayOptions = {}): Uint8Array {
  const { fn: voi, identity } = selectVoi(img, opts);
  const invert = img.invert !== (opts.invert ?? false);
  const mlut = img.modalityLut;
  const slope = img.rescaleSlope;
  const icept = img.rescaleIntercept;
  const raw = img.raw;
  if (identity && !invert && !mlut && slope === 1 && icept === 0 && raw instanceof Uint8Array) return raw;
  const toModality = mlut ? (v: number) => lutLookup(mlut, v) : (v: number) => v * slope + icept;
  // Truncation towards the output direction, as DCMTK does (its renderings are the references);
  // the epsilon keeps exact integers from falling one level short through float error.
  const toByte = (v: number): number => {
    let y = voi(toModality(v));
    if (y < 0) y = 0;
    else if (y > 255) y = 255;
    return Math.floor((invert ? 255 - y : y) + 1e-7);
  };
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const [lo, hi] = img.storedRange;
  if (isIntegerArray(raw) && hi - lo <= 1 << 20) {
    const table = new Uint8Array(hi - lo + 1);
    for (let v = lo; v <= hi; v++) table[v - lo] = toByte(v);
    for (let i = 0; i < n; i++) out[i] = table[raw[i] - lo];
  } else {
    for (let i = 0; i < n; i++) out[i] = toByte(raw[i]);
  }
  return out;
}
