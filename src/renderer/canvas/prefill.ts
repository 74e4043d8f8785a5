/** Pixels of a mask suggestion: the predicted mask as a label map, and its uncertainty as a heat layer. */
import type { LabelMap } from '../lib/types.ts';
import { decodeGray } from './decode.ts';

async function gray(url: string, what: string) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
  return decodeGray(new Uint8Array(await res.arrayBuffer()));
}

/** The predicted mask (nonzero = inside) as a 0/255 label map like painted pixels. */
export async function fetchMaskMap(url: string): Promise<LabelMap> {
  const g = await gray(url, 'predicted mask');
  return { width: g.width, height: g.height, data: Uint8Array.from(g.data, (v) => (v > 0 ? 255 : 0)) };
}

/** Uncertainty (0 sure … 255 a coin toss) as magenta whose opacity follows the doubt (at most 60 %, so the mask shows through). */
export async function fetchHeatCanvas(url: string): Promise<HTMLCanvasElement> {
  const g = await gray(url, 'uncertainty map');
  const c = document.createElement('canvas');
  c.width = g.width;
  c.height = g.height;
  const ctx = c.getContext('2d')!;
  const img = ctx.createImageData(g.width, g.height);
  for (let i = 0; i < g.data.length; i++) {
    const v = Number(g.data[i]);
    img.data[4 * i] = 255;
    img.data[4 * i + 1] = 0;
    img.data[4 * i + 2] = 220;
    img.data[4 * i + 3] = Math.round(v * 0.6);
  }
  ctx.putImageData(img, 0, 0);
  return c;
}
