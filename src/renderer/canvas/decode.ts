/** Decoding what the API serves: display images, 16-bit raw PNGs and mask PNGs. */
import { decode } from 'fast-png';
import { fromBase64 } from '../lib/base64.ts';
import type { LabelMap } from '../lib/types.ts';

export async function loadImage(url: string): Promise<HTMLImageElement> {
  const img = new Image();
  img.decoding = 'async';
  img.src = url;
  try {
    await img.decode();
  } catch {
    throw new Error(`the image at ${url} could not be loaded (is the server still running?)`);
  }
  return img;
}

/** A gray PNG (8 or 16 bit) as its stored values; colour PNGs keep their first channel. */
export function decodeGray(bytes: Uint8Array): {
  width: number;
  height: number;
  data: Uint8Array | Uint16Array;
} {
  const png = decode(bytes);
  const ch = png.channels;
  const src = png.data as Uint8Array | Uint16Array;
  if (ch === 1) return { width: png.width, height: png.height, data: src };
  const out =
    src instanceof Uint16Array
      ? new Uint16Array(png.width * png.height)
      : new Uint8Array(png.width * png.height);
  for (let i = 0; i < out.length; i++) out[i] = src[i * ch];
  return { width: png.width, height: png.height, data: out };
}

export async function fetchRaw(
  url: string,
): Promise<{ width: number; height: number; data: Uint8Array | Uint16Array }> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`raw pixels: HTTP ${res.status}`);
  return decodeGray(new Uint8Array(await res.arrayBuffer()));
}

/** The API's mask raster (PNG or raw base64) as a label map; zeros when there is none. */
export function maskToMap(
  mask: { width: number; height: number; encoding: 'png' | 'raw'; data: string } | null,
  width: number,
  height: number,
): LabelMap {
  if (!mask) return { width, height, data: new Uint8Array(width * height) };
  // Masks are binary (nonzero = inside; the server sends 0/1): hold them as 0/255 like painted
  // pixels, so fill and erase see one inside value.
  const bytes = fromBase64(mask.data);
  const g =
    mask.encoding === 'raw' ? { width: mask.width, height: mask.height, data: bytes } : decodeGray(bytes);
  return { width: g.width, height: g.height, data: Uint8Array.from(g.data, (v) => (v > 0 ? 255 : 0)) };
}

/** 8-bit intensities of a drawn image (for the threshold-aware brush). */
export function intensities(src: CanvasImageSource, width: number, height: number): Uint8Array {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(src, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4];
  return out;
}
