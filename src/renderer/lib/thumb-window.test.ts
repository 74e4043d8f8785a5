import { describe, expect, it } from 'vitest';
import { aheadRows, MAX_AHEAD_ROWS, MIN_AHEAD_ROWS, ScrollSpeed, thumbWindow } from './thumb-window.ts';

describe('thumbnail window', () => {
  it('puts the rendered tiles first, then the rows ahead in the scroll direction, then two behind', () => {
    const w = thumbWindow({ start: 20, end: 30, cols: 5, total: 1000, direction: 1, rowsPerSecond: 0 });
    expect(w.slice(0, 10)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    const ahead = MIN_AHEAD_ROWS * 5;
    expect(w.slice(10, 10 + ahead)).toEqual(Array.from({ length: ahead }, (_, k) => 30 + k));
    expect(w.slice(10 + ahead)).toEqual([19, 18, 17, 16, 15, 14, 13, 12, 11, 10]);
  });

  it('looks ahead upwards when scrolling up, and stays inside the list', () => {
    const w = thumbWindow({ start: 5, end: 15, cols: 5, total: 17, direction: -1, rowsPerSecond: 0 });
    // Above the list's start and below its end nothing is asked for.
    expect(w).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 4, 3, 2, 1, 0, 15, 16]);
  });

  it('reaches further ahead the faster the scroll, within bounds', () => {
    expect(aheadRows(0)).toBe(MIN_AHEAD_ROWS);
    expect(aheadRows(20)).toBe(20);
    expect(aheadRows(10_000)).toBe(MAX_AHEAD_ROWS);
  });

  it('estimates speed and direction from scroll events, restarting after a pause', () => {
    const s = new ScrollSpeed();
    s.update(0, 0);
    for (let t = 16; t <= 160; t += 16) s.update((t / 16) * 240, t);
    expect(s.direction).toBe(1);
    expect(s.pxPerSecond).toBeGreaterThan(14_000);
    expect(s.pxPerSecond).toBeLessThan(15_100);
    s.update(2000, 2000);
    expect(s.pxPerSecond).toBe(0);
    expect(s.direction).toBe(-1);
  });
});
