/**
 * COCO's uncompressed RLE (`{size: [h, w], counts}`): run lengths over the mask in column-major
 * (Fortran) order, starting with a run of zeros (possibly empty). pycocotools reads it as is.
 */
export interface CocoRle {
  size: [number, number];
  counts: number[];
}

export function encodeRle(mask: Uint8Array, width: number, height: number): CocoRle {
  const counts: number[] = [];
  let cur = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[y * width + x] ? 1 : 0;
      if (v !== cur) {
        counts.push(run);
        run = 0;
        cur = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

export function decodeRle(rle: CocoRle): Uint8Array {
  const [height, width] = rle.size;
  const out = new Uint8Array(width * height);
  let k = 0;
  let v = 0;
  for (const n of rle.counts) {
    if (k + n > out.length) throw new Error('RLE counts exceed the mask size');
    for (let i = 0; i < n; i++, k++) if (v) out[(k % height) * width + Math.floor(k / height)] = 1;
    v ^= 1;
  }
  if (k !== out.length) throw new Error(`RLE covers ${k} of ${out.length} pixels`);
  return out;
}

/** [x, y, width, height] of the set pixels, and their count (COCO `bbox` and `area`). */
export function bboxArea(
  mask: Uint8Array,
  width: number,
): { bbox: [number, number, number, number]; area: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let area = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = i % width;
    const y = (i / width) | 0;
    area++;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return area ? { bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1], area } : { bbox: [0, 0, 0, 0], area: 0 };
}
