/**
 * Label map → RGBA for the overlay canvas, one dirty rectangle at a time. Opacity is applied
 * by the Konva node, so these bytes only change when labels or the outline mode change.
 */
import type { LabelMap, Rect } from './types.ts';

/** RGB per class value; index 0 (background) is transparent. */
export const PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [255, 64, 64],
  [64, 160, 255],
  [64, 220, 96],
  [255, 200, 32],
  [200, 96, 255],
  [32, 220, 220],
  [255, 128, 200],
  [160, 160, 160],
];

export function classColor(v: number): readonly [number, number, number] {
  return PALETTE[v % PALETTE.length] ?? PALETTE[1];
}

function isEdge(map: LabelMap, x: number, y: number, v: number): boolean {
  const { width, height, data } = map;
  const i = y * width + x;
  return (
    x === 0 ||
    y === 0 ||
    x === width - 1 ||
    y === height - 1 ||
    data[i - 1] !== v ||
    data[i + 1] !== v ||
    data[i - width] !== v ||
    data[i + width] !== v
  );
}

/**
 * Writes RGBA for `rect` into `out` (rect.w × rect.h × 4 bytes, as for putImageData).
 * In outline mode only boundary pixels are drawn, so callers expand the rect by one pixel.
 */
export function renderRect(
  map: LabelMap,
  rect: Rect,
  outline: boolean,
  out: Uint8ClampedArray,
  color?: readonly [number, number, number],
): void {
  const { width, data } = map;
  let o = 0;
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    let i = y * width + rect.x;
    for (let x = rect.x; x < rect.x + rect.w; x++, i++, o += 4) {
      const v = data[i];
      if (v === 0 || (outline && !isEdge(map, x, y, v))) {
        out[o + 3] = 0;
        continue;
      }
      const c = color ?? classColor(v);
      out[o] = c[0];
      out[o + 1] = c[1];
      out[o + 2] = c[2];
      out[o + 3] = 255;
    }
  }
}

/** '#rrggbb' → [r, g, b]; falls back to the palette entry for `fallback`. */
export function parseColor(
  hex: string | null | undefined,
  fallback: number,
): readonly [number, number, number] {
  const m = hex ? /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex) : null;
  if (!m) return classColor(fallback);
  return [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16), Number.parseInt(m[3], 16)];
}
