/** Zoom and pan maths: screen = image × scale + offset. */
import type { Point } from './types.ts';

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 64;

export function fitView(imgW: number, imgH: number, viewW: number, viewH: number, margin = 8): View {
  const scale = Math.max(MIN_SCALE, Math.min((viewW - 2 * margin) / imgW, (viewH - 2 * margin) / imgH));
  return { scale, x: (viewW - imgW * scale) / 2, y: (viewH - imgH * scale) / 2 };
}

/** 1:1 (one image pixel per device-independent pixel), centred on the view centre's image point. */
export function oneToOne(v: View, viewW: number, viewH: number): View {
  return zoomAt(v, 1 / v.scale, { x: viewW / 2, y: viewH / 2 });
}

/** Zooms by `factor` keeping the image point under screen point `at` fixed. */
export function zoomAt(v: View, factor: number, at: Point): View {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, v.scale * factor));
  const k = scale / v.scale;
  return { scale, x: at.x - (at.x - v.x) * k, y: at.y - (at.y - v.y) * k };
}

export function pan(v: View, dx: number, dy: number): View {
  return { scale: v.scale, x: v.x + dx, y: v.y + dy };
}

export function toImage(v: View, s: Point): Point {
  return { x: (s.x - v.x) / v.scale, y: (s.y - v.y) / v.scale };
}

export function toScreen(v: View, p: Point): Point {
  return { x: p.x * v.scale + v.x, y: p.y * v.scale + v.y };
}
