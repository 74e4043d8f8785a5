import type { Rect } from './types.ts';

export const EMPTY_RECT: Rect = Object.freeze({ x: 0, y: 0, w: 0, h: 0 });

export function isEmpty(r: Rect): boolean {
  return r.w <= 0 || r.h <= 0;
}

/** Smallest rectangle covering both; empty rectangles are ignored. */
export function union(a: Rect, b: Rect): Rect {
  if (isEmpty(a)) return { ...b };
  if (isEmpty(b)) return { ...a };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** Intersection with the image bounds [0,width)×[0,height). */
export function clip(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(width, Math.ceil(r.x + r.w));
  const y1 = Math.min(height, Math.ceil(r.y + r.h));
  if (x1 <= x0 || y1 <= y0) return { ...EMPTY_RECT };
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function expand(r: Rect, by: number): Rect {
  if (isEmpty(r)) return { ...r };
  return { x: r.x - by, y: r.y - by, w: r.w + 2 * by, h: r.h + 2 * by };
}
