import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/core/import/manifest.ts';
import { importItems, runImport } from '../../src/core/import/pipeline.ts';
import { createProject, type ProjectStore } from '../../src/core/store/index.ts';
import { REPO } from '../cli/run.ts';

const SAMPLE = path.join(REPO, 'sample');
let tmp: string;
let store: ProjectStore;

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-imp-'));
  store = createProject(path.join(tmp, 'p'), { classes: ['normal', 'pneumonia'] });
});
afterEach(() => {
  store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('import pipeline', () => {
  it('commits rows in input order and keeps manifest columns', async () => {
    const { items } = readManifest(path.join(SAMPLE, 'manifest.csv'));
    const r = await importItems(store, items, { concurrency: 4 });
    expect(r).toMatchObject({ added: 40, labelsSet: 32, cancelled: false, failed: [] });
    const rows = store.listImages().items;
    expect(rows.map((i) => i.originalPath)).toEqual(items.map((i) => i.file));
    expect(rows[0]).toMatchObject({ format: 'png', width: 256, height: 256, bits: 8, storage: 'copy' });
    expect(rows[0].patientId).toBe(items[0].patientId);
    expect(store.getThumbnail(rows[0].id)).toMatchObject({ mime: 'image/webp' });
    expect(store.getLabelHistory(rows[0].id)[0]).toMatchObject({ author: 'import', source: 'import' });
  });

  it('treats a second copy of a file as a duplicate, whatever order the copies finish in', async () => {
    const data = path.join(tmp, 'data');
    const one = path.join(SAMPLE, 'images', readdirSync(path.join(SAMPLE, 'images'))[0]);
    cpSync(one, path.join(data, 'a/x.png'));
    cpSync(one, path.join(data, 'b/y.png'));
    const r = await runImport(store, { paths: [data] }, { reference: true, concurrency: 2 });
    expect(r).toMatchObject({ total: 2, added: 1, duplicates: 1, failed: [] });
    expect(store.listImages().items[0]).toMatchObject({ storage: 'reference', storedPath: null });
  });

  it('stops on abort and keeps what was committed', async () => {
    const { items } = readManifest(path.join(SAMPLE, 'manifest.csv'));
    const ac = new AbortController();
    const r = await importItems(store, items, {
      concurrency: 1,
      signal: ac.signal,
      onProgress: (done) => done >= 1 && ac.abort(),
    });
    expect(r.cancelled).toBe(true);
    const n = store.counts().images;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(40);
    expect(store.integrityCheck().ok).toBe(true);
  });
});
