/**
 * Correction effort: what a user must change to turn a pre-filled mask into the true one,
 * against drawing the true one from scratch. Pure, so the API (what a user actually edited), the
 * end-to-end journey and the benchmark (held-out ground truth) count it the same way.
 */

export interface CorrectionEffort {
  /** Pixels whose inside/outside differs between the two masks (to paint + to erase). */
  editedPixels: number;
  /** Pixels to paint (inside the target, outside the start). */
  addPixels: number;
  /** Pixels to erase (inside the start, outside the target). */
  erasePixels: number;
  /** Inside pixels of the target: what drawing from scratch paints. */
  targetPixels: number;
  /** 4-connected regions of edited pixels of at least `minRegion` pixels: one stroke each at least. */
  regions: number;
}

/** `start` and `target` are masks (nonzero = inside) of the same w × h. */
export function correctionEffort(
  start: Uint8Array,
  target: Uint8Array,
  width: number,
  height: number,
  minRegion = 1,
): CorrectionEffort {
  const n = width * height;
  if (start.length !== n || target.length !== n)
    throw new Error(
      `correctionEffort: masks of ${start.length} and ${target.length} pixels, expected ${width}×${height}`,
    );
  const diff = new Uint8Array(n);
  let add = 0;
  let erase = 0;
  let targetPixels = 0;
  for (let i = 0; i < n; i++) {
    const a = start[i] !== 0;
    const b = target[i] !== 0;
    if (b) targetPixels++;
    if (a !== b) {
      diff[i] = 1;
      if (b) add++;
      else erase++;
    }
  }
  return {
    editedPixels: add + erase,
    addPixels: add,
    erasePixels: erase,
    targetPixels,
    regions: countRegions(diff, width, height, minRegion),
  };
}

function countRegions(m: Uint8Array, w: number, h: number, minRegion: number): number {
  const seen = new Uint8Array(m.length);
  const stack: number[] = [];
  let regions = 0;
  for (let i = 0; i < m.length; i++) {
    if (!m[i] || seen[i]) continue;
    let size = 0;
    seen[i] = 1;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const x = p % w;
      const y = (p - x) / w;
      for (const q of [
        x > 0 ? p - 1 : -1,
        x < w - 1 ? p + 1 : -1,
        y > 0 ? p - w : -1,
        y < h - 1 ? p + w : -1,
      ]) {
        if (q < 0 || !m[q] || seen[q]) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    if (size >= minRegion) regions++;
  }
  return regions;
}

/**
 * The brush model the figures use, stated once, in screen pixels: a brush of `diameter` px moved
 * at `speed` px/s covers diameter × speed px² per second, and every stroke costs `strokeSeconds`
 * to aim and start. A region needs ceil(area / strokeArea) strokes, a stroke being
 * `strokeLength` px long. `inImagePixels` converts it for an image fitted to the viewer.
 */
export interface BrushModel {
  diameter: number;
  speed: number;
  strokeSeconds: number;
  strokeLength: number;
}

export const SCREEN_BRUSH: BrushModel = { diameter: 16, speed: 400, strokeSeconds: 1, strokeLength: 300 };

/** The brush in image pixels when an image of `side` px is fitted to `viewer` screen px. */
export function inImagePixels(b: BrushModel, side: number, viewer = 700): BrushModel {
  const k = side / viewer;
  return { ...b, diameter: b.diameter * k, speed: b.speed * k, strokeLength: b.strokeLength * k };
}

/** Seconds and strokes to paint `pixels` (image px) spread over `regions` regions with brush `b` (image px). */
export function brushTime(pixels: number, regions: number, b: BrushModel) {
  if (pixels <= 0) return { seconds: 0, strokes: 0 };
  const strokeArea = b.diameter * b.strokeLength;
  const strokes = Math.max(regions, Math.ceil(pixels / strokeArea));
  return { seconds: pixels / (b.diameter * b.speed) + strokes * b.strokeSeconds, strokes };
}
