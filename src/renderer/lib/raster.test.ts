import { describe, expect, it } from 'vitest';
import { renderRect } from './mask-render.ts';
import {
  copyRect,
  fillPolygon,
  floodFill,
  snapCenter,
  stampDisc,
  strokeSegment,
  trimDiff,
} from './raster.ts';
import type { LabelMap } from './types.ts';

const map = (w: number, h: number): LabelMap => ({ width: w, height: h, data: new Uint8Array(w * h) });
const count = (m: LabelMap, v: number) => m.data.reduce((n, x) => n + (x === v ? 1 : 0), 0);

describe('brush', () => {
  it('a size-1 brush paints exactly the pixel under the pointer', () => {
    const m = map(10, 10);
    const r = stampDisc(m, snapCenter({ x: 3.9, y: 7.2 }, 1), 1, 2);
    expect(r).toEqual({ x: 3, y: 7, w: 1, h: 1 });
    expect(count(m, 2)).toBe(1);
    expect(m.data[7 * 10 + 3]).toBe(2);
  });

  it('snaps odd sizes to pixel centres and even sizes to corners', () => {
    expect(snapCenter({ x: 3.9, y: 7.2 }, 3)).toEqual({ x: 3.5, y: 7.5 });
    expect(snapCenter({ x: 3.6, y: 7.2 }, 2)).toEqual({ x: 4, y: 7 });
  });

  it('a size-2 brush is a 2×2 block and size 5 a symmetric disc', () => {
    const m = map(10, 10);
    stampDisc(m, snapCenter({ x: 5.2, y: 5.2 }, 2), 2, 1);
    expect(count(m, 1)).toBe(4);
    const m5 = map(11, 11);
    stampDisc(m5, { x: 5.5, y: 5.5 }, 5, 1);
    expect(count(m5, 1)).toBe(21);
    for (let y = 0; y < 11; y++)
      for (let x = 0; x < 11; x++) expect(m5.data[y * 11 + x]).toBe(m5.data[y * 11 + (10 - x)]);
  });

  it('a stroke leaves no gaps and clips at the border', () => {
    const m = map(50, 5);
    const r = strokeSegment(m, { x: -10, y: 2.5 }, { x: 60, y: 2.5 }, 1, 1);
    expect(r).toEqual({ x: 0, y: 2, w: 50, h: 1 });
    expect(count(m, 1)).toBe(50);
  });

  it('the eraser gate only clears the active class; the threshold gate follows intensity', () => {
    const m = map(4, 1);
    m.data.set([1, 2, 1, 2]);
    strokeSegment(m, { x: 0, y: 0.5 }, { x: 4, y: 0.5 }, 1, 0, { onlyValue: 1 });
    expect([...m.data]).toEqual([0, 2, 0, 2]);
    const t = map(4, 1);
    strokeSegment(t, { x: 0, y: 0.5 }, { x: 4, y: 0.5 }, 1, 3, {
      intensity: Uint8Array.from([10, 100, 200, 90]),
      lo: 80,
      hi: 150,
    });
    expect([...t.data]).toEqual([0, 3, 0, 3]);
  });
});

describe('fill and polygon', () => {
  it('flood fill stays inside a closed outline (4-connected)', () => {
    const m = map(7, 7);
    for (let i = 1; i < 6; i++) {
      m.data[1 * 7 + i] = 1;
      m.data[5 * 7 + i] = 1;
      m.data[i * 7 + 1] = 1;
      m.data[i * 7 + 5] = 1;
    }
    const r = floodFill(m, { x: 3, y: 3 }, 1);
    expect(r).toEqual({ x: 2, y: 2, w: 3, h: 3 });
    expect(count(m, 1)).toBe(25);
    expect(floodFill(m, { x: 3, y: 3 }, 1).w).toBe(0);
    expect(floodFill(m, { x: -1, y: 3 }, 1).w).toBe(0);
  });

  it('flood fill covers a big map without overflowing the stack', () => {
    const m = map(2048, 2048);
    floodFill(m, { x: 1000, y: 1000 }, 1);
    expect(count(m, 1)).toBe(2048 * 2048);
  });

  it('polygon fill samples pixel centres; subtract writes 0 inside', () => {
    const m = map(10, 10);
    const r = fillPolygon(
      m,
      [
        { x: 2, y: 2 },
        { x: 6, y: 2 },
        { x: 6, y: 5 },
        { x: 2, y: 5 },
      ],
      1,
    );
    expect(r).toEqual({ x: 2, y: 2, w: 4, h: 3 });
    expect(count(m, 1)).toBe(12);
    fillPolygon(
      m,
      [
        { x: 3, y: 0 },
        { x: 5, y: 0 },
        { x: 5, y: 10 },
        { x: 3, y: 10 },
      ],
      0,
    );
    expect(count(m, 1)).toBe(6);
    expect(
      fillPolygon(
        m,
        [
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
        1,
      ).w,
    ).toBe(0);
  });
});

describe('diffs and rendering', () => {
  it('trimDiff shrinks to the changed bytes, or null', () => {
    const before = new Uint8Array(16);
    const after = before.slice();
    after[1 * 4 + 2] = 5;
    const d = trimDiff({ rect: { x: 10, y: 20, w: 4, h: 4 }, before, after })!;
    expect(d.rect).toEqual({ x: 12, y: 21, w: 1, h: 1 });
    expect([...d.after]).toEqual([5]);
    expect(trimDiff({ rect: { x: 0, y: 0, w: 4, h: 4 }, before, after: before })).toBeNull();
  });

  it('copyRect reads the rectangle row by row', () => {
    const m = map(3, 3);
    m.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...copyRect(m, { x: 1, y: 1, w: 2, h: 2 })]).toEqual([5, 6, 8, 9]);
  });

  it('renders filled or outline RGBA', () => {
    const m = map(5, 5);
    fillPolygon(
      m,
      [
        { x: 1, y: 1 },
        { x: 4, y: 1 },
        { x: 4, y: 4 },
        { x: 1, y: 4 },
      ],
      1,
    );
    const out = new Uint8ClampedArray(25 * 4);
    renderRect(m, { x: 0, y: 0, w: 5, h: 5 }, false, out);
    const alpha = (i: number) => out[i * 4 + 3];
    expect(alpha(12)).toBe(255);
    expect(alpha(0)).toBe(0);
    renderRect(m, { x: 0, y: 0, w: 5, h: 5 }, true, out);
    expect(alpha(12)).toBe(0);
    expect(alpha(6)).toBe(255);
  });
});
