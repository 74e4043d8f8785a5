import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boundPool } from '../../src/core/active/candidate-pool.ts';
import {
  decodeRows,
  PoolSpace,
  ResidentFeatures,
  type ResidentMatrix,
  rowsOf,
} from '../../src/core/active/resident.ts';
import { LazySpace } from '../../src/core/active/vectors.ts';
import { createProject } from '../../src/core/store/index.ts';
import type { ProjectStore } from '../../src/core/store/types.ts';

const ENC = 'e'.repeat(64);
/** Every row of a resident matrix as float32. */
const all = (m: ResidentMatrix) =>
  decodeRows(
    m,
    Array.from(m.ids, (_, i) => i),
    0,
    m.ids.length,
  );
let dir: string;
let store: ProjectStore;

function put(ids: number[], dim: number, offset = 0) {
  store.putFeatures(
    ids.map((imageId) => ({
      imageId,
      encoderId: ENC,
      layer: 'pooled',
      dtype: 'float32' as const,
      shape: [dim],
      data: new Uint8Array(
        Float32Array.from({ length: dim }, (_, j) => Math.sin(imageId * 7 + j) + offset).buffer,
      ),
    })),
  );
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-resident-'));
  store = createProject(path.join(dir, 'p'), { classes: ['a', 'b'] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resident feature matrix', () => {
  it('loads a layer once, reloads it when the cache changes, and stays within its budget', () => {
    put([3, 1, 2], 4);
    const r = new ResidentFeatures(1 << 20, 60_000);
    const m = r.get(store, ENC, 'pooled')!;
    expect([...m.ids]).toEqual([1, 2, 3]);
    expect(all(m)[2 * 4 + 1]).toBeCloseTo(Math.sin(3 * 7 + 1), 3);
    expect(r.get(store, ENC, 'pooled')).toBe(m); // nothing written: the same matrix
    put([2], 4, 10); // a rewrite of one row moves the version
    const m2 = r.get(store, ENC, 'pooled')!;
    expect(m2).not.toBe(m);
    expect(all(m2)[1 * 4]).toBeCloseTo(Math.sin(14) + 10, 2);
    store.invalidateFeatures('x'.repeat(64)); // a delete too
    expect(r.get(store, ENC, 'pooled')!.ids).toHaveLength(0);
    r.drop();
    expect(r.used()).toBe(0);

    put([1, 2, 3], 4);
    const small = new ResidentFeatures(3 * 4 * 2 - 1, 60_000); // one value short of the matrix
    expect(small.get(store, ENC, 'pooled')).toBeNull();
    expect(small.used()).toBe(0);
  });

  it('knows when a coverage check can be skipped: same cache version, ids already ensured', () => {
    put([1, 2], 4);
    const r = new ResidentFeatures(1 << 20, 60_000);
    expect(r.ensured(store, ENC, [1, 2])).toBe(false);
    r.markEnsured(store, ENC, [1, 2]);
    expect(r.ensured(store, ENC, [2])).toBe(true);
    expect(r.ensured(store, ENC, [1, 2, 3])).toBe(false);
    put([3], 4);
    expect(r.ensured(store, ENC, [1, 2])).toBe(false);
  });

  it('maps ids to its rows, identity for its own ids, and refuses ids it lacks', () => {
    put([1, 2, 3, 4], 2);
    const m = new ResidentFeatures(1 << 20, 60_000).get(store, ENC, 'pooled')!;
    expect([...rowsOf(m, [1, 2, 3, 4])!]).toEqual([0, 1, 2, 3]);
    const some = rowsOf(m, [2, 4])!;
    expect([...some]).toEqual([1, 3]);
    const block = decodeRows(m, some, 0, 2);
    [2, 4].forEach((id, i) => {
      for (let j = 0; j < 2; j++) expect(block[i * 2 + j]).toBeCloseTo(Math.sin(id * 7 + j), 3);
    });
    expect(rowsOf(m, [2, 5])).toBeNull();
  });

  it('serves a pass the same distance rows as projecting the pool itself', () => {
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    put(ids, 12);
    const m = new ResidentFeatures(1 << 20, 60_000).get(store, ENC, 'pooled')!;
    const rows = [5, 0, 17, 39];
    const view = new PoolSpace(m.space(4), rows).all();
    const own = new LazySpace(all(m), 12, 4).all();
    rows.forEach((r, i) => {
      expect([...view.x.subarray(i * 4, i * 4 + 4)]).toEqual([...own.x.subarray(r * 4, r * 4 + 4)]);
    });
  });
});

describe('pool rows', () => {
  it('lists active images in id order with their label and source', () => {
    const add = (n: number, source: string) =>
      store.addImage({
        sha256: n.toString(16).padStart(64, '0'),
        originalPath: `/x/${n}.png`,
        storedPath: null,
        format: 'png',
        width: 2,
        height: 2,
        bits: 8,
        fileSize: 1,
        source,
      }).id;
    const [a, b, c] = [add(1, 's1'), add(2, 's2'), add(3, 's1')];
    store.setLabel({ imageId: b, label: 'b', author: 't', source: 'human' });
    store.updateImage(c, { status: 'excluded' });
    expect(store.poolRows()).toEqual({ ids: [a, b], labels: [null, 'b'], sources: ['s1', 's2'] });
  });
});

describe('stable candidate sample', () => {
  it('changes by about as many rows as were labelled between two passes', () => {
    const n = 20000;
    const pool = {
      ids: Array.from({ length: n }, (_, i) => String(i + 1)),
      dim: 1,
      embeddings: new Float32Array(n),
    };
    const bounds = { size: 1000, uncertain: 0, labelled: 100 };
    const before = boundPool('diversity', { pool, labelled: new Set([0, 1]) }, 1, bounds);
    const unl = before.index.filter((i) => !before.labelled.has(i));
    // The user labels ten of the offered candidates.
    const labelled = new Set([0, 1, ...unl.slice(0, 10)]);
    const after = boundPool('diversity', { pool, labelled }, 1, bounds);
    const kept = new Set(after.index);
    const lost = unl.filter((i) => !labelled.has(i) && !kept.has(i));
    expect(lost.length).toBe(0);
    expect(after.index.filter((i) => !labelled.has(i))).toHaveLength(1000);
  });
});
