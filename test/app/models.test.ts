import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as registry from '../../src/core/app/models.ts';
import { storeSplit } from '../../src/core/app/train.ts';
import { NotFoundError } from '../../src/core/errors.ts';
import { createProject, managedPath, type ProjectStore } from '../../src/core/store/index.ts';
import type { ModelKind } from '../../src/core/store/types.ts';

let dir: string;
let store: ProjectStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-models-'));
  store = createProject(path.join(dir, 'p'), { classes: ['normal', 'pneumonia'] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const estimate = (auc: number, method = 'grouped-cv') => ({
  method,
  folds: 5,
  repeats: 3,
  auc,
  ci: [auc - 0.1, Math.min(1, auc + 0.1)],
  nPerClass: { normal: 20, pneumonia: 20 },
  tooSmall: false,
});

function model(kind: ModelKind, metrics: Record<string, unknown>, extra: { weightsPath?: string } = {}) {
  return store.saveModel({
    name: `${kind} head`,
    kind,
    head: kind === 'classify' ? 'linear' : 'segdecoder',
    encoderId: 'e'.repeat(64),
    metrics,
    weights: extra.weightsPath ? undefined : new Uint8Array([1, 2, 3]),
    weightsPath: extra.weightsPath,
  }).id;
}

describe('model registry', () => {
  it('keeps one active model per task: a new segmenter does not take the classifier role', () => {
    const c = model('classify', { estimate: estimate(0.8) });
    expect(registry.promoteIfNotWorse(store, c).promoted).toBe(true);
    const g = model('segment', { dice: 0.9 });
    expect(registry.promoteIfNotWorse(store, g).promoted).toBe(true);
    expect(registry.activeModels(store)).toEqual({ classify: c, segment: g });
  });

  it('promotes a retrain only if it is not worse on the same estimate, else keeps a candidate', () => {
    const a = model('classify', { estimate: estimate(0.8) });
    registry.promoteIfNotWorse(store, a);
    const worse = model('classify', { estimate: estimate(0.75) });
    const r = registry.promoteIfNotWorse(store, worse);
    expect(r).toMatchObject({ promoted: false });
    expect(r.reason).toMatch(/candidate.*0\.750 < 0\.800/);
    expect(registry.activeModelId(store, 'classify')).toBe(a);
    const equal = model('classify', { estimate: estimate(0.8) });
    expect(registry.promoteIfNotWorse(store, equal).promoted).toBe(true);
    expect(registry.activeModelId(store, 'classify')).toBe(equal);
    // A holdout figure is not the cross-validated one: not comparable, the newer model wins.
    const other = model('classify', { estimate: estimate(0.5, 'holdout') });
    expect(registry.promoteIfNotWorse(store, other).reason).toMatch(/not comparable/);
    const seg = model('segment', { dice: 0.9 });
    registry.promoteIfNotWorse(store, seg);
    expect(registry.promoteIfNotWorse(store, model('segment', { dice: 0.85 })).promoted).toBe(false);
    expect(registry.activeModelId(store, 'segment')).toBe(seg);
  });

  it('renames, archives (which ends the active role) and restores', () => {
    const a = model('classify', {});
    registry.activate(store, a);
    registry.rename(store, a, 'Classifier 1 · linear · 2 classes · 40 images');
    expect(store.getModel(a)?.name).toBe('Classifier 1 · linear · 2 classes · 40 images');
    registry.archive(store, a, true);
    expect(store.getActiveModelId('classify')).toBeNull();
    expect(store.listModels({ archived: false })).toEqual([]);
    expect(() => registry.activate(store, a)).toThrow(/archived/);
    registry.archive(store, a, false);
    registry.activate(store, a);
    expect(registry.activeModelId(store, 'classify')).toBe(a);
  });

  it('deletes a model with its predictions, weights file and active role', () => {
    const rel = 'models/m1.safetensors';
    mkdirSync(path.join(store.dir, 'models'), { recursive: true });
    writeFileSync(path.join(store.dir, rel), 'w');
    const a = model('segment', { dice: 0.9 }, { weightsPath: rel });
    registry.activate(store, a);
    registry.remove(store, a);
    expect(store.getModel(a)).toBeNull();
    expect(store.getActiveModelId('segment')).toBeNull();
    expect(() => registry.remove(store, a)).toThrow(NotFoundError);
  });

  it('refuses to make a model active for the other task', () => {
    const g = model('segment', {});
    expect(() => store.setActiveModelId('classify', g)).toThrow(/segment model, not a classify model/);
  });

  it('names models so that a list tells them apart', () => {
    expect(registry.readableName('classify', 'linear', 3, { classes: ['a', 'b'], images: 48 })).toBe(
      'Classifier 3 · linear · 2 classes · 48 images',
    );
    expect(registry.readableName('segment', 'segdecoder', 1, { images: 150 })).toBe(
      'Segmenter 1 · segdecoder · lung masks · 150 images',
    );
  });
});

describe('stored split', () => {
  it('writes the run split on the images and keeps a hand-set test split', () => {
    const ids = [1, 2, 3, 4].map((n) => {
      const sha = n.toString(16).padStart(64, '0');
      const rel = managedPath(sha, 'png');
      mkdirSync(path.dirname(path.join(store.dir, rel)), { recursive: true });
      writeFileSync(path.join(store.dir, rel), 'x');
      return store.addImage({
        sha256: sha,
        originalPath: `/d/${n}.png`,
        storedPath: rel,
        format: 'png',
        width: 2,
        height: 2,
        bits: 8,
        fileSize: 1,
        split: n === 4 ? 'test' : undefined,
      }).id;
    });
    storeSplit(store, [ids[0], ids[1], ids[3]], new Set([ids[1]]));
    expect(store.listImages().items.map((i) => i.split)).toEqual(['train', 'val', null, 'test']);
    storeSplit(store, [ids[1]], new Set());
    expect(store.listImages().items.map((i) => i.split)).toEqual([null, 'train', null, 'test']);
  });
});
