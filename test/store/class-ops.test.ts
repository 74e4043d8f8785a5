import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ClassConfirmError,
  createProject,
  managedPath,
  openProject,
  type ProjectStore,
} from '../../src/core/store/index.ts';

let dir: string;
let store: ProjectStore;

function addFake(s: ProjectStore, n: number) {
  const sha = n.toString(16).padStart(64, '0');
  const rel = managedPath(sha, 'png');
  mkdirSync(path.dirname(path.join(s.dir, rel)), { recursive: true });
  writeFileSync(path.join(s.dir, rel), Buffer.alloc(10, n));
  return s.addImage({
    sha256: sha,
    originalPath: `/data/${n}.png`,
    storedPath: rel,
    format: 'png',
    width: 4,
    height: 3,
    bits: 8,
    fileSize: 10,
  }).id;
}

const id = (name: string) => store.listClasses().find((c) => c.name === name)!.id;
const labelOf = (img: number) => store.getLabel(img)?.label ?? null;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-classes-'));
  store = createProject(path.join(dir, 'p'), { classes: ['normal', 'pneumonia'] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('class management', () => {
  it('adds, renames and undoes, with events', () => {
    store.applyClassOp({ op: 'add', name: 'covid19' }, 'ana');
    expect(() => store.applyClassOp({ op: 'add', name: 'covid19' }, 'ana')).toThrow(/already exists/);
    expect(() => store.applyClassOp({ op: 'add', name: 'Unknown' }, 'ana')).toThrow(/reserved/);
    store.applyClassOp({ op: 'rename', id: id('covid19'), name: 'viral' }, 'ana');
    expect(() => store.applyClassOp({ op: 'rename', id: id('viral'), name: 'normal' }, 'ana')).toThrow(
      /exists/,
    );
    expect(store.listClasses('image').map((c) => c.name)).toEqual(['normal', 'pneumonia', 'viral']);
    const [last] = store.listClassEvents();
    expect(last).toMatchObject({ op: 'rename', from: 'covid19', to: 'viral', author: 'ana' });
    store.undoClassOp('ana');
    expect(store.listClasses('image').map((c) => c.name)).toContain('covid19');
    store.undoClassOp('ana');
    expect(store.listClasses('image').map((c) => c.name)).toEqual(['normal', 'pneumonia']);
    // the name is free again after the add was undone
    store.applyClassOp({ op: 'add', name: 'covid19' }, 'ana');
    expect(store.listClasses('image').map((c) => c.name)).toContain('covid19');
  });

  it('merge moves labels only after confirmation, and undo moves them back', () => {
    const a = addFake(store, 1);
    const b = addFake(store, 2);
    const c = addFake(store, 3);
    store.applyClassOp({ op: 'add', name: 'covid19' }, 'ana');
    store.setLabel({ imageId: a, label: 'covid19', author: 'bob', source: 'import' });
    store.setLabel({ imageId: b, label: 'covid19', author: 'bob', source: 'human' });
    store.setLabel({ imageId: c, label: 'normal', author: 'bob', source: 'human' });
    const op = { op: 'merge' as const, id: id('covid19'), into: id('pneumonia') };
    expect(store.classImpact(op)).toEqual({ labels: 2, masks: 0 });
    expect(() => store.applyClassOp(op, 'ana')).toThrow(ClassConfirmError);
    expect(labelOf(a)).toBe('covid19');
    expect(() => store.applyClassOp(op, 'ana', { labels: 1, masks: 0 })).toThrow(ClassConfirmError);
    store.applyClassOp(op, 'ana', { labels: 2, masks: 0 });
    expect([labelOf(a), labelOf(b), labelOf(c)]).toEqual(['pneumonia', 'pneumonia', 'normal']);
    expect(store.listClasses('image').map((x) => x.name)).toEqual(['normal', 'pneumonia']);
    expect(store.getLabelHistory(a).at(-1)).toMatchObject({
      label: 'pneumonia',
      previous: 'covid19',
      author: 'ana',
    });
    // b is relabelled by hand after the merge: undo must not overwrite it
    store.setLabel({ imageId: b, label: 'normal', author: 'bob', source: 'human' });
    const u = store.undoClassOp('ana');
    expect(u).toMatchObject({ restored: 1, kept: 1 });
    expect([labelOf(a), labelOf(b)]).toEqual(['covid19', 'normal']);
    expect(store.getLabel(a)).toMatchObject({ author: 'bob', source: 'import' });
    expect(store.listClassEvents()[0]).toMatchObject({ op: 'undo' });
    expect(store.listClassEvents()[1]).toMatchObject({ op: 'merge', undone: true, target: 'pneumonia' });
  });

  it('remove clears labels and masks; undo restores both; survives reopening', async () => {
    const a = addFake(store, 1);
    store.setLabel({ imageId: a, label: 'pneumonia', author: 'bob', source: 'human' });
    const png = await sharp(Buffer.from([0, 255, 0, 255, 0, 255, 0, 255, 0, 255, 0, 255]), {
      raw: { width: 4, height: 3, channels: 1 },
    })
      .png()
      .toBuffer();
    store.setMask({ imageId: a, png, author: 'bob', source: 'human' });
    const lung = id('lung');
    expect(store.classImpact({ op: 'remove', id: lung })).toEqual({ labels: 0, masks: 1 });
    store.applyClassOp({ op: 'remove', id: lung }, 'ana', { labels: 0, masks: 1 });
    store.applyClassOp({ op: 'remove', id: id('pneumonia') }, 'ana', { labels: 1, masks: 0 });
    expect(labelOf(a)).toBeNull();
    expect(store.listClasses().map((c) => c.name)).toEqual(['normal']);
    // the freed name can be reused; undoing the remove then has to refuse the clash
    store.applyClassOp({ op: 'add', name: 'pneumonia' }, 'ana');
    store.undoClassOp('ana');
    store.undoClassOp('ana');
    expect(labelOf(a)).toBe('pneumonia');
    store.close();
    store = openProject(path.join(dir, 'p'));
    store.undoClassOp('ana');
    const m = store.getMask(a, 'lung');
    expect(m?.author).toBe('bob');
    expect(Buffer.compare(m!.png, png)).toBe(0);
    expect(() => store.undoClassOp('ana')).toThrow(/nothing to undo|labels/);
  });
});
