import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeRows, ResidentFeatures } from '../../src/core/active/resident.ts';
import { databaseHealth } from '../../src/core/app/doctor.ts';
import { createProject } from '../../src/core/store/index.ts';
import { readResidentFile, residentFile, writeResidentFile } from '../../src/core/store/resident-file.ts';
import type { ProjectStore } from '../../src/core/store/types.ts';

const ENC = 'e'.repeat(64);
let dir: string;
let store: ProjectStore;
let file: string;

function put(s: ProjectStore, ids: number[], dim: number, offset = 0) {
  s.putFeatures(
    ids.flatMap((imageId) =>
      ['pooled', 'pooled3'].map((layer) => ({
        imageId,
        encoderId: ENC,
        layer,
        dtype: 'float32' as const,
        shape: [dim],
        data: new Uint8Array(
          Float32Array.from({ length: dim }, (_, j) => Math.cos(imageId * 3 + j) + offset).buffer,
        ),
      })),
    ),
  );
}

/** A worker as it starts: its own resident features, counting what it reads from the cache. */
function worker() {
  const r = new ResidentFeatures(1 << 24, 60_000);
  const problems: string[] = [];
  r.onFileProblem = (m) => problems.push(m);
  let cacheReads = 0;
  const s = new Proxy(store, {
    get(t, k) {
      if (k === 'readFeatureLayer') cacheReads++;
      const v = Reflect.get(t, k);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { r, s, problems, cacheReads: () => cacheReads };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-resident-file-'));
  store = createProject(path.join(dir, 'p'), { classes: ['a', 'b'] });
  file = residentFile(store.dir, 'pooled', 0);
  put(store, [4, 1, 9], 6);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resident feature file', () => {
  it('round-trips ids, values and coverage exactly', () => {
    const key = { cacheId: 'c'.repeat(32), version: 7, encoderId: ENC, layer: 'pooled', view: 0 };
    for (const n of [0, 1, 3]) {
      const m = {
        ids: Int32Array.from({ length: n }, (_, i) => i * 5 + 2),
        dim: 5,
        data: Uint16Array.from({ length: n * 5 }, (_, i) => (i * 2654435761) & 0xffff),
        covered: Uint8Array.from({ length: n }, (_, i) => i % 2),
      };
      writeResidentFile(file, key, m);
      const r = readResidentFile(file, key);
      if (!r.ok) throw new Error(r.message);
      expect(r.layer.dim).toBe(5);
      expect([...r.layer.ids]).toEqual([...m.ids]);
      expect([...r.layer.data]).toEqual([...m.data]);
      expect([...r.layer.covered]).toEqual([...m.covered]);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('is written on the first load, so a new worker reads it instead of the cache', () => {
    const a = worker();
    a.r.markEnsured(a.s, ENC, [1, 4, 9]);
    const m = a.r.get(a.s, ENC, 'pooled')!;
    expect(a.cacheReads()).toBe(1);
    const b = worker();
    // The coverage check is answered by the file: no scan of the cache needed.
    expect(b.r.ensured(b.s, ENC, [1, 9])).toBe(true);
    expect(b.r.ensured(b.s, ENC, [1, 2])).toBe(false);
    const m2 = b.r.get(b.s, ENC, 'pooled')!;
    expect(b.cacheReads()).toBe(0);
    expect([...m2.ids]).toEqual([1, 4, 9]);
    expect([...m2.data]).toEqual([...m.data]);
    expect(b.problems).toEqual([]);
  });

  it('is not used once the cache changed, and is rewritten silently', () => {
    worker().r.get(store, ENC, 'pooled');
    put(store, [4], 6, 2);
    const b = worker();
    expect(b.r.ensured(b.s, ENC, [1])).toBe(false);
    const m = b.r.get(b.s, ENC, 'pooled')!;
    expect(b.cacheReads()).toBe(1);
    expect(b.problems).toEqual([]);
    const r = readResidentFile(file, {
      cacheId: store.featureCacheId(),
      version: store.featureVersion(),
      encoderId: ENC,
      layer: 'pooled',
      view: 0,
    });
    expect(r.ok && [...r.layer.data]).toEqual([...m.data]);
  });

  const damage: Array<[string, (f: string) => void, RegExp]> = [
    ['truncated', (f) => truncateSync(f, statSync(f).size - 3), /is truncated \(\d+ bytes, expected \d+\)/],
    [
      'corrupt',
      (f) => {
        const b = readFileSync(f);
        b[b.length - 1] ^= 0xff;
        writeFileSync(f, b);
      },
      /is corrupt \(checksum mismatch\)/,
    ],
    ['not ours', (f) => writeFileSync(f, 'hello, world: not a matrix'), /bad magic/],
  ];
  for (const [what, harm, message] of damage) {
    it(`a ${what} file is reported by doctor, never used, and rebuilt from the cache`, () => {
      const first = worker().r.get(store, ENC, 'pooled')!;
      const want = [...first.data];
      harm(file);
      const health = databaseHealth(store);
      const warning = health.warnings.find((w) => w.kind === 'features');
      expect(warning?.message).toMatch(message);
      expect(warning?.message).toMatch(
        /cache\/resident-pooled-0\.f16 .*the next suggestion pass rebuilds it/,
      );
      const b = worker();
      expect(b.r.ensured(b.s, ENC, [1])).toBe(false);
      const m = b.r.get(b.s, ENC, 'pooled')!;
      expect(b.cacheReads()).toBe(1);
      expect([...m.data]).toEqual(want);
      expect(b.problems.join('\n')).toMatch(message);
      expect(b.problems.join('\n')).toMatch(/rebuilding it from the feature cache/);
      // Rebuilt: the next worker reads the file again, and doctor is content.
      const c = worker();
      c.r.get(c.s, ENC, 'pooled');
      expect(c.cacheReads()).toBe(0);
      expect(databaseHealth(store).warnings.filter((w) => w.kind === 'features')).toEqual([]);
    });
  }

  it("another project's file is told apart even at the same cache version", () => {
    const other = createProject(path.join(dir, 'q'), { classes: ['a', 'b'] });
    put(other, [4, 1, 9], 6, 5); // same ids, same number of writes: same version
    expect(other.featureVersion()).toBe(store.featureVersion());
    new ResidentFeatures(1 << 24, 60_000).get(other, ENC, 'pooled');
    cpSync(residentFile(other.dir, 'pooled', 0), file);
    other.close();
    expect(
      databaseHealth(store)
        .warnings.map((w) => w.message)
        .join('\n'),
    ).toMatch(/resident-pooled-0\.f16 was made from another feature cache/);
    const b = worker();
    const m = b.r.get(b.s, ENC, 'pooled')!;
    expect(b.cacheReads()).toBe(1);
    expect(b.problems.join('\n')).toMatch(/was made from another feature cache/);
    // Its own values, not the other project's (which are 5 higher): row 0 is image 1.
    expect(decodeRows(m, [0], 0, 1)[0]).toBeCloseTo(Math.cos(3), 3);
  });
});
