import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createProject,
  managedPath,
  openProject,
  ProjectError,
  type ProjectStore,
} from '../../src/core/store/index.ts';

let dir: string;
let store: ProjectStore;

function sha(n: number): string {
  return n.toString(16).padStart(64, '0');
}

function addFake(s: ProjectStore, n: number, extra: Partial<Parameters<ProjectStore['addImage']>[0]> = {}) {
  const rel = managedPath(sha(n), 'png');
  mkdirSync(path.dirname(path.join(s.dir, rel)), { recursive: true });
  writeFileSync(path.join(s.dir, rel), Buffer.alloc(10, n));
  return s.addImage({
    sha256: sha(n),
    originalPath: `/data/${n}.png`,
    storedPath: rel,
    format: 'png',
    width: 4,
    height: 3,
    bits: 8,
    fileSize: 10,
    ...extra,
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-store-'));
  store = createProject(path.join(dir, 'p'), { classes: ['normal', 'pneumonia'] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('project store', () => {
  it('creates a project with schema, default classes and WAL', () => {
    expect(store.info.schemaVersion).toBeGreaterThan(0);
    expect(store.listClasses('image').map((c) => c.name)).toEqual(['normal', 'pneumonia']);
    expect(store.listClasses('mask').map((c) => c.name)).toEqual(['lung']);
    expect(store.openReport?.ok).toBe(true);
    expect(() => createProject(store.dir)).toThrow(ProjectError);
  });

  it('adds images idempotently by hash and lists with filters', () => {
    const a = addFake(store, 1, { source: 'nih', patientId: 'p1' });
    expect(a.created).toBe(true);
    expect(addFake(store, 1).created).toBe(false);
    addFake(store, 2, { source: 'kermany', split: 'train' });
    addFake(store, 3, { source: 'kermany' });
    store.setLabel({ imageId: a.id, label: 'pneumonia', author: 'ann', source: 'human' });
    expect(store.listImages().total).toBe(3);
    expect(store.listImages({ source: 'kermany' }).items.map((i) => i.id)).toEqual([2, 3]);
    expect(store.listImages({ label: 'pneumonia' }).items[0].label).toBe('pneumonia');
    expect(store.listImages({ label: null }).total).toBe(2);
    expect(store.listImages({ split: 'train' }).total).toBe(1);
    expect(store.listImages({ limit: 1, offset: 1, order: 'desc' }).items[0].id).toBe(2);
    const c = store.counts();
    expect(c.images).toBe(3);
    expect(c.labels).toContainEqual({ task: 'default', label: 'pneumonia', count: 1 });
    expect(c.labels).toContainEqual({ task: 'default', label: null, count: 2 });
  });

  it('keeps the full label history, with current label and events in step', () => {
    const { id } = addFake(store, 1);
    store.setLabel({ imageId: id, label: 'normal', author: 'a', source: 'human', durationMs: 1200 });
    store.setLabel({ imageId: id, label: 'pneumonia', author: 'b', source: 'accepted_suggestion' });
    store.clearLabel(id, 'c');
    expect(store.getLabel(id)).toBeNull();
    const h = store.getLabelHistory(id);
    expect(h.map((e) => [e.label, e.previous, e.author])).toEqual([
      ['normal', null, 'a'],
      ['pneumonia', 'normal', 'b'],
      [null, 'pneumonia', 'c'],
    ]);
    expect(h[0].durationMs).toBe(1200);
    expect(() => store.setLabel({ imageId: id, label: 'covid', author: 'a', source: 'human' })).toThrow(
      /unknown image class 'covid'.*normal, pneumonia/,
    );
    expect(store.getLabelHistory(id)).toHaveLength(3);
  });

  it('stores masks as PNG blobs at the image size, with history', async () => {
    const { id } = addFake(store, 1);
    const png = await sharp(Buffer.alloc(12, 255), { raw: { width: 4, height: 3, channels: 1 } })
      .png()
      .toBuffer();
    store.setMask({ imageId: id, png, author: 'a', source: 'human' });
    expect(store.getMask(id)?.png.equals(png)).toBe(true);
    const wrong = await sharp(Buffer.alloc(4), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    expect(() => store.setMask({ imageId: id, png: wrong, author: 'a', source: 'human' })).toThrow(
      /2×2.*4×3/,
    );
    store.clearMask(id, 'b');
    expect(store.getMaskHistory(id).map((e) => e.png === null)).toEqual([false, true]);
    expect(store.listImages({ hasMask: true }).total).toBe(0);
  });

  it('saves models, runs and predictions apart from labels', () => {
    const { id } = addFake(store, 1);
    const run = store.saveRun({ kind: 'classify', status: 'running', config: { lr: 1e-3 } });
    const m = store.saveModel({
      name: 'probe',
      kind: 'classify',
      head: 'linear',
      encoderId: 'e'.repeat(64),
      weights: new Uint8Array([1, 2, 3]),
      metrics: { auc: 0.9 },
      runId: run.id,
    });
    const done = store.saveRun({
      id: run.id,
      kind: 'classify',
      status: 'done',
      modelId: m.id,
      timings: { trainMs: 5 },
    });
    expect(done.finishedAt).not.toBeNull();
    expect(done.config).toEqual({ lr: 1e-3 });
    expect(store.getModelWeights(m.id)).toEqual(Buffer.from([1, 2, 3]));
    store.putPredictions(m.id, [{ imageId: id, probs: { normal: 0.2, pneumonia: 0.8 } }]);
    expect(store.getPredictions(m.id)[0].probs).toEqual({ normal: 0.2, pneumonia: 0.8 });
    expect(store.getLabel(id)).toBeNull();
    store.deleteModel(m.id);
    expect(store.getPredictions(m.id)).toEqual([]);
  });

  it('caches features per image, encoder, layer and view, and invalidates other encoders', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const e = { encoderId: 'a'.repeat(64), dtype: 'float32' as const, shape: [2, 3], data };
    store.putFeatures([
      { ...e, imageId: 1, layer: 'block12' },
      { ...e, imageId: 1, layer: 'block11' },
      { ...e, imageId: 2, layer: 'block12' },
      { ...e, imageId: 2, layer: 'block12', encoderId: 'b'.repeat(64) },
    ]);
    const got = store.getFeatures([{ imageId: 1, encoderId: e.encoderId, layer: 'block12' }]);
    expect(Array.from(new Float32Array(got[0].data.slice().buffer))).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...store.imagesWithFeatures(e.encoderId, ['block11', 'block12'])]).toEqual([1]);
    expect(store.invalidateFeatures(e.encoderId)).toBe(1);
    expect(() => store.putFeatures([{ ...e, imageId: 3, layer: 'x', shape: [5] }])).toThrow(/needs 20/);
  });

  it('reopens with data intact and fails the check, naming the project, when a managed file is gone', () => {
    const { id } = addFake(store, 7);
    store.setSetting('author', 'ann');
    store.markServed(id);
    store.close();
    store = openProject(path.join(dir, 'p'));
    expect(store.getSetting('author')).toBe('ann');
    expect(store.getAlState()[0].servedCount).toBe(1);
    const file = store.imagePath(store.getImage(id)!);
    store.close();
    rmSync(file);
    expect(() => openProject(path.join(dir, 'p'))).toThrow(
      /project .*p: integrity check failed: managed copy .* is missing/,
    );
    store = openProject(path.join(dir, 'p'), { skipIntegrityCheck: true });
    expect(store.integrityCheck().errors[0].imageId).toBe(id);
  });

  it('warns about orphan files left by an interrupted import, without failing', () => {
    addFake(store, 1);
    const orphan = path.join(store.dir, managedPath(sha(2), 'png'));
    mkdirSync(path.dirname(orphan), { recursive: true });
    writeFileSync(orphan, 'x');
    const r = store.integrityCheck();
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.kind)).toEqual(['orphan_files']);
    expect(r.warnings[0].message).toMatch(/1 file\(s\) under images/);
  });

  it('deletes images with their annotations, cached features and managed copy', () => {
    const a = addFake(store, 1);
    const b = addFake(store, 2);
    store.setLabel({ imageId: a.id, label: 'normal', author: 'a', source: 'human' });
    const e = { encoderId: 'a'.repeat(64), dtype: 'float32' as const, shape: [1], layer: 'final' };
    store.putFeatures([
      { ...e, imageId: a.id, data: new Uint8Array(4) },
      { ...e, imageId: b.id, data: new Uint8Array(4) },
    ]);
    const file = store.imagePath(store.getImage(a.id)!);
    expect(store.deleteImages([a.id, 999])).toBe(1);
    expect(store.getImage(a.id)).toBeNull();
    expect(store.getLabelHistory(a.id)).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect([...store.imagesWithFeatures(e.encoderId, ['final'])]).toEqual([b.id]);
    expect(store.integrityCheck().ok).toBe(true);
  });

  it('names the project when its database is damaged', () => {
    for (let n = 1; n <= 50; n++) addFake(store, n, { meta: { note: 'x'.repeat(500) } });
    store.close();
    const db = path.join(dir, 'p', 'project.sqlite');
    const bytes = readFileSync(db);
    // Scribble over the middle pages (the WAL was checkpointed on close).
    bytes.fill(0x5a, 4096 * 3, 4096 * 6);
    writeFileSync(db, bytes);
    expect(() => openProject(path.join(dir, 'p'))).toThrow(
      /^project .*p: (database disk image is malformed|integrity check failed)/,
    );
    writeFileSync(db, 'not a database at all, just text');
    expect(() => openProject(path.join(dir, 'p'))).toThrow(/^project .*p: .*not a database/);
    store = createProject(path.join(dir, 'q'));
  });

  it('refuses a folder that is not a project', () => {
    expect(() => openProject(dir)).toThrow(/is not an SPCXR project/);
    expect(() => openProject(path.join(dir, 'nope'))).toThrow(/does not exist/);
  });
});
