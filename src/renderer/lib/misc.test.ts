import { describe, expect, it } from 'vitest';
import { layoutGrid, scrollToIndex, visibleRange } from './grid.ts';
import { RequestToken } from './request-token.ts';
import { SaveQueue, type SaveStatus } from './save-queue.ts';
import { clickSelect, emptySelection, selectAll } from './selection.ts';
import { actionFor, chord, SHORTCUTS } from './shortcuts.ts';
import { fitView, oneToOne, toImage, toScreen, zoomAt } from './viewport.ts';
import {
  autoWindow,
  buildLut,
  dragWindow,
  fullRange,
  type RawImage,
  rawFromPng,
  voiLinear,
} from './windowing.ts';

describe('window/level', () => {
  const img: RawImage = {
    width: 4,
    height: 1,
    data: Uint16Array.from([0, 1024, 2048, 4095]),
    storedRange: [0, 4095],
    slope: 1,
    intercept: -1024,
    invert: false,
  };
  it('follows the DICOM linear VOI function', () => {
    expect(voiLinear(0, { center: 0, width: 100 })).toBe(129);
    expect(voiLinear(-100, { center: 0, width: 100 })).toBe(0);
    expect(voiLinear(100, { center: 0, width: 100 })).toBe(255);
  });
  it('builds a LUT over the stored range with rescale and inversions', () => {
    const w = fullRange(img);
    expect(w).toEqual({ center: 1024, width: 4096 });
    const lut = buildLut(img, w, false);
    expect(lut.length).toBe(4096);
    expect([lut[0], lut[4095]]).toEqual([0, 255]);
    expect(buildLut(img, w, true)[0]).toBe(255);
    expect(buildLut({ ...img, invert: true }, w, true)[0]).toBe(0);
  });
  it('drag widens with x and raises the level with y, never below width 1', () => {
    expect(dragWindow({ center: 100, width: 200 }, 512, 256, 512)).toEqual({ center: 356, width: 712 });
    expect(dragWindow({ center: 100, width: 2 }, -512, 0, 512).width).toBe(1);
  });
  it('maps the offset raw PNG of a signed image back to modality values', () => {
    const raw = rawFromPng(
      { storedRange: [-1024, 3071], rescaleSlope: 1, rescaleIntercept: 0, invert: false },
      { width: 3, height: 1, data: Uint16Array.from([0, 1024, 4095]) },
    );
    expect(raw.storedRange).toEqual([0, 4095]);
    expect(fullRange(raw)).toEqual({ center: 1024, width: 4096 });
    // raw 1024 is stored 0, modality 0: the centre of a window at 0.
    const lut = buildLut(raw, { center: 0, width: 100 }, false);
    expect([lut[0], lut[1024], lut[4095]]).toEqual([0, 129, 255]);
  });

  it('auto window spans the 1st–99th percentile', () => {
    const data = new Uint8Array(1000).map((_, i) => i % 256);
    const w = autoWindow({ ...img, data, width: 1000, storedRange: [0, 255], intercept: 0 });
    expect(w.center).toBeGreaterThan(120);
    expect(w.center).toBeLessThan(136);
    expect(w.width).toBeGreaterThan(240);
  });
});

describe('viewport', () => {
  it('fits, zooms about a point and round-trips coordinates', () => {
    const v = fitView(2000, 1000, 1016, 516);
    expect(v.scale).toBeCloseTo(0.5);
    const z = zoomAt(v, 4, { x: 300, y: 200 });
    const p = toImage(v, { x: 300, y: 200 });
    expect(toScreen(z, p).x).toBeCloseTo(300);
    expect(toScreen(z, p).y).toBeCloseTo(200);
    expect(oneToOne(z, 800, 600).scale).toBe(1);
  });
});

describe('virtual grid', () => {
  it('renders only the rows in view plus overscan', () => {
    const g = layoutGrid(1000, 5000, 150, 8, 20);
    expect(g.cols).toBe(6);
    const r = visibleRange(g, 5000, g.rowHeight * 100, 600, 2);
    expect(r.start).toBe(98 * 6);
    expect(r.end - r.start).toBeLessThan(6 * 10);
    expect(r.offset).toBe(98 * g.rowHeight);
    expect(visibleRange(g, 5, 0, 600).end).toBe(5);
    expect(scrollToIndex(g, 600, 0, 600)).toBeGreaterThan(0);
    expect(scrollToIndex(g, 0, 500, 600)).toBe(0);
  });
});

describe('selection', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  it('click, ctrl toggle, shift range', () => {
    let s = clickSelect(emptySelection(), order, 1, { shift: false, toggle: false });
    s = clickSelect(s, order, 3, { shift: true, toggle: false });
    expect([...s.ids]).toEqual(['b', 'c', 'd']);
    s = clickSelect(s, order, 2, { shift: false, toggle: true });
    expect([...s.ids].sort()).toEqual(['b', 'd']);
    expect(selectAll(order).ids.size).toBe(5);
  });
});

describe('shortcuts', () => {
  it('maps chords to actions and lists every action once in the help', () => {
    const ev = { ctrlKey: false, metaKey: false, shiftKey: false, altKey: false };
    expect(actionFor(chord({ ...ev, key: '3' }), 'editor')).toBe('label3');
    expect(actionFor(chord({ ...ev, key: 'z', ctrlKey: true }), 'editor')).toBe('undo');
    expect(actionFor(chord({ ...ev, key: 'Z', ctrlKey: true, shiftKey: true }), 'editor')).toBe('redo');
    expect(actionFor(chord({ ...ev, key: '?', shiftKey: true }), 'grid')).toBe('help');
    expect(actionFor(chord({ ...ev, key: 'b' }), 'grid')).toBeNull();
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
  });
});

describe('request token and save queue', () => {
  it('drops stale answers', async () => {
    const t = new RequestToken();
    let release: (v: string) => void = () => {};
    const slow = t.run(() => new Promise<string>((r) => (release = r)));
    const fast = t.run(async () => 'B');
    release('A');
    expect(await slow).toBeNull();
    expect(await fast).toBe('B');
  });

  it('keeps a failed save queued, reports what to do, and retries in order', async () => {
    const statuses: SaveStatus[] = [];
    const q = new SaveQueue(
      (s) => statuses.push(s),
      1,
      async () => {},
    );
    const sent: string[] = [];
    let fails = 2;
    q.push('stroke 1', async () => {
      if (fails-- > 0) throw new Error('connection refused');
      sent.push('1');
    });
    q.push('stroke 2', async () => {
      sent.push('2');
    });
    await q.flush();
    expect(sent).toEqual(['1', '2']);
    const err = statuses.find((s) => s.state === 'error');
    expect(err && 'message' in err && err.message).toMatch(/stroke 1: connection refused.*retried/);
    expect(statuses.at(-1)).toEqual({ state: 'saved' });
  });
});
