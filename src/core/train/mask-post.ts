import { resizeGray, type SquareGeometry } from '../imaging/index.ts';

/**
 * Probability map (0–255) at model resolution S×S → binary mask (0/255) at the original
 * geometry: bilinear resize of the probabilities to the padded square, crop the padding, then
 * threshold at 0.5. Resizing probabilities rather than a binary mask keeps borders smooth
 * (a nearest-neighbour upsampling of a 112-px mask leaves 16-pixel staircases on a 2 k image).
 */
export function probToOriginal(prob: Uint8Array, size: number, g: SquareGeometry): Uint8Array {
  const sq = resizeGray(prob, size, size, g.side, g.side, 'bilinear');
  const out = new Uint8Array(g.width * g.height);
  for (let y = 0; y < g.height; y++) {
    const row = (y + g.offsetY) * g.side + g.offsetX;
    for (let x = 0; x < g.width; x++) out[y * g.width + x] = sq[row + x] >= 128 ? 255 : 0;
  }
  return out;
}

/** Labels 4-connected foreground components; returns labels (0 = background) and sizes. */
function components(m: Uint8Array, w: number, h: number): { label: Int32Array; sizes: number[] } {
  const label = new Int32Array(w * h);
  const sizes = [0];
  const stack: number[] = [];
  for (let i = 0; i < m.length; i++) {
    if (!m[i] || label[i]) continue;
    const id = sizes.length;
    let n = 0;
    label[i] = id;
    stack.push(i);
    while (stack.length) {
      const p = stack.pop()!;
      n++;
      const x = p % w;
      for (const q of [x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w]) {
        if (q >= 0 && q < m.length && m[q] && !label[q]) {
          label[q] = id;
          stack.push(q);
        }
      }
    }
    sizes.push(n);
  }
  return { label, sizes };
}

/**
 * Lung-mask clean-up: keep the two largest components (a second one only if it is at least
 * `minSecond` of the largest: two lungs, or one when they touch) and fill enclosed holes.
 */
export function cleanLungMask(m: Uint8Array, w: number, h: number, minSecond = 0.1): Uint8Array {
  const { label, sizes } = components(m, w, h);
  const order = sizes
    .map((s, i) => [s, i])
    .slice(1)
    .sort((a, b) => b[0] - a[0]);
  const keep = new Set<number>();
  if (order[0]) keep.add(order[0][1]);
  if (order[1] && order[1][0] >= minSecond * order[0][0]) keep.add(order[1][1]);
  const out = new Uint8Array(m.length);
  for (let i = 0; i < m.length; i++) if (keep.has(label[i])) out[i] = 255;
  // Holes: background not connected to the image border.
  const inv = out.map((v) => (v ? 0 : 1));
  const bg = components(inv, w, h);
  const border = new Set<number>();
  for (let x = 0; x < w; x++) border.add(bg.label[x]).add(bg.label[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) border.add(bg.label[y * w]).add(bg.label[y * w + w - 1]);
  for (let i = 0; i < out.length; i++) if (!out[i] && !border.has(bg.label[i])) out[i] = 255;
  return out;
}
