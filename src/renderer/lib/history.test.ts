import { describe, expect, it } from 'vitest';
import { History, invert } from './history.ts';
import { prng, randInt } from './prng.test-util.ts';
import { copyRect, fillPolygon, floodFill, strokeSegment, trimDiff, writeRect } from './raster.ts';
import type { EditCommand, LabelMap, Rect } from './types.ts';

/** The state every command acts on: label maps per image and one label per image. */
interface World {
  maps: Map<number, LabelMap>;
  labels: Map<number, string | null>;
  review: Map<number, boolean>;
}

const IDS = [1, 2, 3];
const W = 37;
const H = 23;

function newWorld(): World {
  const maps = new Map<number, LabelMap>();
  for (const id of IDS) maps.set(id, { width: W, height: H, data: new Uint8Array(W * H) });
  return {
    maps,
    labels: new Map(IDS.map((id) => [id, null])),
    review: new Map(IDS.map((id) => [id, false])),
  };
}

function applyTo(w: World): (c: EditCommand) => void {
  const apply = (c: EditCommand): void => {
    if (c.kind === 'batch') c.commands.forEach(apply);
    else if (c.kind === 'review') {
      expect(w.review.get(c.imageId)).toBe(c.before);
      w.review.set(c.imageId, c.after);
    } else if (c.kind === 'label') {
      expect(w.labels.get(c.imageId)).toBe(c.before);
      w.labels.set(c.imageId, c.after);
    } else {
      const map = w.maps.get(c.imageId)!;
      expect(copyRect(map, c.diff.rect)).toEqual(c.diff.before);
      writeRect(map, c.diff.rect, c.diff.after);
    }
  };
  return apply;
}

function snapshot(w: World): string {
  const parts = IDS.map(
    (id) =>
      `${id}:${w.labels.get(id)}:${w.review.get(id)}:${Buffer.from(w.maps.get(id)!.data).toString('base64')}`,
  );
  return parts.join('|');
}

/** A random real edit on the current world, made by the raster tools (not synthetic bytes). */
function randomCommand(r: () => number, w: World): EditCommand {
  const id = IDS[randInt(r, 0, IDS.length - 1)];
  const kind = randInt(r, 0, 5);
  if (kind === 5) return { kind: 'review', imageId: id, before: w.review.get(id)!, after: r() < 0.5 };
  if (kind === 0) {
    const choices = [null, 'normal', 'pneumonia', 'other'];
    return { kind: 'label', imageId: id, before: w.labels.get(id) ?? null, after: choices[randInt(r, 0, 3)] };
  }
  const map = w.maps.get(id)!;
  const work: LabelMap = { ...map, data: map.data.slice() };
  const v = randInt(r, 0, 3);
  const pt = () => ({ x: r() * W, y: r() * H });
  let rect: Rect;
  if (kind === 1) rect = strokeSegment(work, pt(), pt(), randInt(r, 1, 9), v);
  else if (kind === 2) rect = floodFill(work, pt(), v);
  else if (kind === 3) rect = fillPolygon(work, [pt(), pt(), pt(), pt()], v);
  else rect = strokeSegment(work, pt(), pt(), 1, v, { onlyValue: randInt(r, 0, 3) });
  if (rect.w === 0) return { kind: 'label', imageId: id, before: w.labels.get(id) ?? null, after: 'x' };
  const diff = trimDiff({ rect, before: copyRect(map, rect), after: copyRect(work, rect) });
  if (!diff) return { kind: 'batch', commands: [] };
  return { kind: 'mask', imageId: id, maskClass: 'lung', diff };
}

describe('command history', () => {
  it('apply then inverse is identity, over random commands (property)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = prng(seed);
      const w = newWorld();
      const apply = applyTo(w);
      for (let k = 0; k < 5; k++) apply(randomCommand(r, w));
      const before = snapshot(w);
      const c = randomCommand(r, w);
      apply(c);
      apply(invert(c));
      expect(snapshot(w), `seed ${seed}`).toBe(before);
      expect(invert(invert(c))).toEqual(c);
    }
  });

  it('undo all returns to the start and redo all to the end (property)', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = prng(1000 + seed);
      const w = newWorld();
      const h = new History(applyTo(w));
      const states = [snapshot(w)];
      const n = randInt(r, 1, 25);
      for (let k = 0; k < n; k++) {
        if (r() < 0.3) {
          h.begin();
          for (let j = randInt(r, 1, 4); j > 0; j--) h.run(randomCommand(r, w));
          h.commit();
        } else h.run(randomCommand(r, w));
        states.push(snapshot(w));
      }
      expect(h.size.undo).toBe(n);
      for (let k = n; k > 0; k--) {
        h.undo();
        expect(snapshot(w), `seed ${seed} undo to ${k - 1}`).toBe(states[k - 1]);
      }
      expect(h.undo()).toBeNull();
      for (let k = 1; k <= n; k++) {
        h.redo();
        expect(snapshot(w)).toBe(states[k]);
      }
    }
  });

  it('a transaction is one undo step, a new edit clears redo, abort rolls back', () => {
    const w = newWorld();
    const h = new History(applyTo(w));
    h.begin();
    h.run({ kind: 'label', imageId: 1, before: null, after: 'x' });
    h.run({ kind: 'label', imageId: 2, before: null, after: 'x' });
    expect(h.canUndo).toBe(false);
    h.commit();
    expect(h.size).toEqual({ undo: 1, redo: 0 });
    h.undo();
    expect([w.labels.get(1), w.labels.get(2)]).toEqual([null, null]);
    expect(h.canRedo).toBe(true);
    h.run({ kind: 'label', imageId: 3, before: null, after: 'y' });
    expect(h.canRedo).toBe(false);
    h.begin();
    h.run({ kind: 'label', imageId: 1, before: null, after: 'z' });
    h.abort();
    expect(w.labels.get(1)).toBeNull();
    expect(h.size.undo).toBe(1);
    expect(() => {
      h.begin();
      h.begin();
    }).toThrow(/already open/);
  });

  it('drops the oldest step beyond its limit', () => {
    const w = newWorld();
    const h = new History(applyTo(w), 3);
    for (const v of ['1', '2', '3', '4'])
      h.run({ kind: 'label', imageId: 1, before: w.labels.get(1)!, after: v });
    expect(h.size.undo).toBe(3);
  });

  it('discard forgets matching steps (a dropped mask draft) and keeps the others in order', () => {
    const seen: EditCommand[] = [];
    const h = new History((c) => seen.push(c));
    h.record({ kind: 'label', imageId: 1, before: null, after: 'a' });
    const rect = { x: 0, y: 0, w: 1, h: 1 };
    h.record({
      kind: 'mask',
      imageId: 2,
      maskClass: 'lung',
      diff: { rect, before: new Uint8Array([0]), after: new Uint8Array([255]) },
    });
    h.record({ kind: 'label', imageId: 3, before: null, after: 'b' });
    h.undo();
    h.discard((c) => c.kind === 'mask' && c.imageId === 2);
    expect(h.size).toEqual({ undo: 1, redo: 1 });
    expect(h.undo()).toMatchObject({ kind: 'label', imageId: 1 });
    expect(h.redo()).toMatchObject({ kind: 'label', imageId: 1 });
    expect(h.redo()).toMatchObject({ kind: 'label', imageId: 3 });
  });
});
