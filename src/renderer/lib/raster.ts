/**
 * Raster edits on a label map. Every operation writes in place and returns the dirty
 * rectangle, which is all the canvas redraws and all the undo history stores.
 */
import { clip, EMPTY_RECT, union } from './rect.ts';
import type { LabelMap, MaskDiff, Point, Rect } from './types.ts';

/** Restricts which pixels a tool may change (threshold-aware brush, erase-only-this-class). */
export interface PaintGate {
  /** Only change pixels whose current label equals this. */
  onlyValue?: number;
  /** Display intensities (8-bit, same size as the map) and the accepted range, inclusive. */
  intensity?: Uint8Array;
  lo?: number;
  hi?: number;
}

function allowed(map: LabelMap, i: number, gate: PaintGate | undefined): boolean {
  if (!gate) return true;
  if (gate.onlyValue !== undefined && map.data[i] !== gate.onlyValue) return false;
  if (gate.intensity) {
    const v = gate.intensity[i];
    if (v < (gate.lo ?? 0) || v > (gate.hi ?? 255)) return false;
  }
  return true;
}

/**
 * Where the brush centre sits for a pointer at (x, y) in image coordinates: pixel centres
 * for odd sizes, pixel corners for even ones, so the footprint is symmetric and a size-1
 * brush covers exactly the pixel under the pointer.
 */
export function snapCenter(p: Point, size: number): Point {
  const odd = Math.round(size) % 2 === 1;
  const s = (v: number) => (odd ? Math.floor(v) + 0.5 : Math.round(v));
  return { x: s(p.x), y: s(p.y) };
}

/** Pixels whose centres lie within a disc of diameter `size` around a snapped centre. */
export function stampDisc(map: LabelMap, c: Point, size: number, value: number, gate?: PaintGate): Rect {
  const r = Math.max(0.5, size / 2);
  const box = clip({ x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r }, map.width, map.height);
  const r2 = r * r + 1e-9;
  const { data, width } = map;
  for (let y = box.y; y < box.y + box.h; y++) {
    const dy = y + 0.5 - c.y;
    for (let x = box.x; x < box.x + box.w; x++) {
      const dx = x + 0.5 - c.x;
      if (dx * dx + dy * dy > r2) continue;
      const i = y * width + x;
      if (allowed(map, i, gate)) data[i] = value;
    }
  }
  return box;
}

/** Stamps along a segment, spaced so consecutive discs overlap (no gaps at any zoom). */
export function strokeSegment(
  map: LabelMap,
  from: Point,
  to: Point,
  size: number,
  value: number,
  gate?: PaintGate,
): Rect {
  const a = snapCenter(from, size);
  const b = snapCenter(to, size);
  const dist = Math.hypot(b.x - a.x, b.y - a.y);
  const step = Math.max(0.5, size / 4);
  const n = Math.max(1, Math.ceil(dist / step));
  let dirty: Rect = { ...EMPTY_RECT };
  for (let k = 0; k <= n; k++) {
    const t = k / n;
    const p = snapCenter({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }, size);
    dirty = union(dirty, stampDisc(map, p, size, value, gate));
  }
  return dirty;
}

/**
 * 4-connected flood fill from a seed over pixels with the seed's label (and, with a gate,
 * intensity in range). Scanline spans keep the stack small on 2048² maps.
 */
export function floodFill(map: LabelMap, seed: Point, value: number, gate?: PaintGate): Rect {
  const { width, height, data } = map;
  const sx = Math.floor(seed.x);
  const sy = Math.floor(seed.y);
  if (sx < 0 || sy < 0 || sx >= width || sy >= height) return { ...EMPTY_RECT };
  const target = data[sy * width + sx];
  if (target === value) return { ...EMPTY_RECT };
  const g: PaintGate = { ...gate, onlyValue: target };
  if (!allowed(map, sy * width + sx, g)) return { ...EMPTY_RECT };
  let x0 = sx;
  let x1 = sx;
  let y0 = sy;
  let y1 = sy;
  const stack: number[] = [sx, sy];
  while (stack.length > 0) {
    const y = stack.pop()!;
    let x = stack.pop()!;
    const row = y * width;
    while (x > 0 && allowed(map, row + x - 1, g)) x--;
    let spanAbove = false;
    let spanBelow = false;
    for (; x < width && allowed(map, row + x, g); x++) {
      data[row + x] = value;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      for (const [ny, isAbove] of [
        [y - 1, true],
        [y + 1, false],
      ] as const) {
        if (ny < 0 || ny >= height) continue;
        const ok = allowed(map, ny * width + x, g);
        const span = isAbove ? spanAbove : spanBelow;
        if (ok && !span) stack.push(x, ny);
        if (isAbove) spanAbove = ok;
        else spanBelow = ok;
      }
    }
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/** Even-odd scanline fill of a closed polygon, sampled at pixel centres. */
export function fillPolygon(map: LabelMap, pts: Point[], value: number, gate?: PaintGate): Rect {
  if (pts.length < 3) return { ...EMPTY_RECT };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const p of pts) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const box = clip({ x: minX, y: minY, w: maxX - minX, h: maxY - minY }, map.width, map.height);
  if (box.w === 0) return box;
  const xs: number[] = [];
  let dirty: Rect = { ...EMPTY_RECT };
  for (let y = box.y; y < box.y + box.h; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const a = pts[i];
      const b = pts[j];
      if (a.y > cy !== b.y > cy) xs.push(a.x + ((cy - a.y) * (b.x - a.x)) / (b.y - a.y));
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const xa = Math.max(box.x, Math.ceil(xs[k] - 0.5));
      const xb = Math.min(box.x + box.w - 1, Math.floor(xs[k + 1] - 0.5));
      if (xb < xa) continue;
      const row = y * map.width;
      for (let x = xa; x <= xb; x++) if (allowed(map, row + x, gate)) map.data[row + x] = value;
      dirty = union(dirty, { x: xa, y, w: xb - xa + 1, h: 1 });
    }
  }
  return dirty;
}

export function copyRect(map: LabelMap, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) {
    const start = (r.y + y) * map.width + r.x;
    out.set(map.data.subarray(start, start + r.w), y * r.w);
  }
  return out;
}

export function writeRect(map: LabelMap, r: Rect, bytes: Uint8Array): void {
  if (bytes.length !== r.w * r.h)
    throw new Error(`mask diff has ${bytes.length} bytes, rect needs ${r.w * r.h}`);
  for (let y = 0; y < r.h; y++)
    map.data.set(bytes.subarray(y * r.w, (y + 1) * r.w), (r.y + y) * map.width + r.x);
}

/** The diff of a stroke: bytes in `rect` from a snapshot taken before it and the map now. */
export function diffFromSnapshot(before: LabelMap, after: LabelMap, rect: Rect): MaskDiff {
  return { rect: { ...rect }, before: copyRect(before, rect), after: copyRect(after, rect) };
}

/** Shrinks a diff's rectangle to the bytes that actually changed; null when nothing did. */
export function trimDiff(d: MaskDiff): MaskDiff | null {
  const { w, h } = d.rect;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (d.before[y * w + x] !== d.after[y * w + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) return null;
  const rect = { x: d.rect.x + x0, y: d.rect.y + y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  const sub = (src: Uint8Array) => {
    const out = new Uint8Array(rect.w * rect.h);
    for (let y = 0; y < rect.h; y++)
      out.set(src.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + rect.w), y * rect.w);
    return out;
  };
  return { rect, before: sub(d.before), after: sub(d.after) };
}
