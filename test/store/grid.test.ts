import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { now } from '../../src/core/store/db.ts';
import {
  createProject,
  type GridState,
  type ImageListItem,
  type ListOptions,
  openProject,
  PROJECT_DB,
  type ProjectStore,
} from '../../src/core/store/index.ts';
import { MIGRATIONS, migrate } from '../../src/core/store/migrations.ts';

let dir: string;
let store: ProjectStore;

const sha = (n: number) => n.toString(16).padStart(64, '0');

function add(s: ProjectStore, n: number, source: string | null = null) {
  return s.addImage({
    sha256: sha(n),
    originalPath: `/data/${source ?? 'x'}/img_${String(n).padStart(3, '0')}.png`,
    storedPath: null,
    format: 'png',
    width: 4,
    height: 3,
    bits: 8,
    fileSize: 10,
    source,
  }).id;
}

const maskPng = () =>
  sharp(Buffer.alloc(12, 255), { raw: { width: 4, height: 3, channels: 1 } })
    .png()
    .toBuffer();

/** The grid state the old code derived in JS from labels, predictions and the review flag. */
function expectedState(s: ProjectStore, id: number, modelId: number | null): GridState {
  const img = s.getImage(id)!;
  if (img.needsReview) return 'needs-review';
  if (s.getLabel(id)) return 'labelled';
  const p = modelId === null ? undefined : s.getPredictions(modelId, [id])[0];
  return p?.probs ? 'suggested' : 'unlabelled';
}

/** Counts recomputed the slow way, to check the trigger-kept counters. */
function recount(s: ProjectStore, modelId: number | null) {
  const all = s.listImages({ limit: -1 }).items;
  const active = all.filter((i) => i.status === 'active');
  const byState: Record<GridState, number> = { unlabelled: 0, labelled: 0, suggested: 0, 'needs-review': 0 };
  const byClassId: Record<number, number> = {};
  const classes = new Map(s.listClasses('image').map((c) => [c.name, c.id]));
  for (const i of active) {
    byState[expectedState(s, i.id, modelId)]++;
    const l = s.getLabel(i.id);
    if (l) byClassId[classes.get(l.label)!] = (byClassId[classes.get(l.label)!] ?? 0) + 1;
  }
  const bySource: Record<string, number> = {};
  for (const i of all) bySource[i.source ?? '(none)'] = (bySource[i.source ?? '(none)'] ?? 0) + 1;
  const masksByClassId: Record<number, number> = {};
  const maskIds = new Map(s.listClasses('mask').map((c) => [c.name, c.id]));
  for (const m of s.listMasks()) {
    const id = maskIds.get(m.maskClass)!;
    masksByClassId[id] = (masksByClassId[id] ?? 0) + 1;
  }
  return { images: active.length, byState, byClassId, bySource, masks: s.listMasks().length, masksByClassId };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-grid-'));
  store = createProject(path.join(dir, 'p'), { classes: ['normal', 'pneumonia'] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('grid columns and counters', () => {
  it('keep in step with every kind of write', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => add(store, i + 1, i % 3 ? 'nih' : null));
    const m = store.saveModel({ name: 'm', kind: 'classify', head: 'linear', encoderId: 'e'.repeat(64) });
    store.setGridModel(m.id);
    const check = () => expect(store.gridCounts()).toEqual(recount(store, m.id));
    check();
    store.setLabel({ imageId: ids[0], label: 'normal', author: 'a', source: 'human' });
    store.setLabel({ imageId: ids[1], label: 'pneumonia', author: 'a', source: 'import' });
    store.setLabel({ imageId: ids[1], label: 'normal', author: 'a', source: 'human' });
    check();
    store.putPredictions(
      m.id,
      [0, 1, 2, 3].map((i) => ({ imageId: ids[i], probs: { normal: 0.3, pneumonia: 0.7 } })),
    );
    check();
    expect(store.listImages({ ids: [ids[2]] }).items[0].confidence).toBeCloseTo(0.7);
    store.setNeedsReview(ids[2], true);
    store.setNeedsReview(ids[0], true);
    check();
    store.clearLabel(ids[1], 'a');
    store.setMask({ imageId: ids[4], png: await maskPng(), author: 'a', source: 'human' });
    store.setMask({ imageId: ids[4], png: await maskPng(), author: 'a', source: 'human' });
    check();
    store.updateImage(ids[5], { status: 'excluded', source: 'kermany' });
    store.setLabel({ imageId: ids[5], label: 'normal', author: 'a', source: 'human' });
    check();
    store.deleteImages([ids[4], ids[0]]);
    check();
    store.deletePredictions(m.id);
    check();
    store.putPredictions(m.id, [{ imageId: ids[7], probs: { normal: 0.9, pneumonia: 0.1 } }]);
    store.setGridModel(null);
    expect(store.gridCounts()).toEqual(recount(store, null));
    store.setGridModel(m.id);
    check();
    store.deleteModel(m.id);
    expect(store.gridCounts()).toEqual(recount(store, null));
  });

  it('filters, sorts and pages in SQL like the reference order, with keyset paging', () => {
    const ids = Array.from({ length: 40 }, (_, i) => add(store, 1000 - i, i % 4 ? 'nih' : 'kermany'));
    const m = store.saveModel({ name: 'm', kind: 'classify', head: 'linear', encoderId: 'e'.repeat(64) });
    store.setGridModel(m.id);
    store.putPredictions(
      m.id,
      ids
        .filter((_, i) => i % 3 === 0)
        .map((id, k) => ({ imageId: id, probs: { normal: (k % 7) / 10, pneumonia: 0.05 } })),
    );
    for (const [i, id] of ids.entries()) {
      if (i % 5 === 0)
        store.setLabel({ imageId: id, label: i % 10 ? 'normal' : 'pneumonia', author: 'a', source: 'human' });
    }
    store.setAlScores(
      ids.filter((_, i) => i % 2 === 0).map((id, k) => ({ imageId: id, score: (k * 7) % 11 })),
    );
    store.setNeedsReview(ids[3], true);

    const all = store.listImages({ status: 'active', limit: -1 }).items;
    const ref: Record<string, (a: ImageListItem, b: ImageListItem) => number> = {
      score: (a, b) =>
        Number(a.label !== null) - Number(b.label !== null) ||
        Number(a.alScore === null) - Number(b.alScore === null) ||
        (b.alScore ?? 0) - (a.alScore ?? 0) ||
        a.id - b.id,
      confidence: (a, b) =>
        Number(a.confidence === null) - Number(b.confidence === null) ||
        (a.confidence ?? 0) - (b.confidence ?? 0) ||
        a.id - b.id,
      name: (a, b) =>
        path.basename(a.originalPath).localeCompare(path.basename(b.originalPath)) || a.id - b.id,
      id: (a, b) => a.id - b.id,
    };
    const filters: Array<{ f: Partial<ListOptions>; keep: (i: ImageListItem) => boolean }> = [
      { f: {}, keep: () => true },
      { f: { state: 'unlabelled' }, keep: (i) => i.label === null && !i.needsReview },
      { f: { state: 'suggested' }, keep: (i) => i.label === null && !i.needsReview && i.confidence !== null },
      { f: { state: 'labelled' }, keep: (i) => i.label !== null && !i.needsReview },
      { f: { label: 'normal' }, keep: (i) => i.label === 'normal' },
      { f: { source: 'kermany' }, keep: (i) => i.source === 'kermany' },
      { f: { search: 'IMG_98' }, keep: (i) => i.originalPath.includes('img_98') },
    ];
    for (const { f, keep } of filters) {
      for (const [sort, cmp] of Object.entries(ref)) {
        const want = all
          .filter(keep)
          .sort(cmp)
          .map((i) => i.id);
        const opts = { status: 'active' as const, ...f, sort: sort as ListOptions['sort'] };
        const page = store.listImages({ ...opts, limit: -1 });
        expect(page.total, JSON.stringify(opts)).toBe(want.length);
        expect(
          page.items.map((i) => i.id),
          JSON.stringify(opts),
        ).toEqual(want);
        // Keyset pages of 3 walk the same order.
        const walked: number[] = [];
        let after: number | undefined;
        for (let guard = 0; guard < 50; guard++) {
          const p = store.listImages({ ...opts, limit: 3, after });
          if (!p.items.length) break;
          walked.push(...p.items.map((i) => i.id));
          after = p.items.at(-1)!.id;
        }
        expect(walked, JSON.stringify(opts)).toEqual(want);
        expect(store.listImages({ ...opts, limit: 4, offset: 2 }).items.map((i) => i.id)).toEqual(
          want.slice(2, 6),
        );
      }
    }
    // Descending orders mirror the ascending ones.
    const desc = store.listImages({ status: 'active', sort: 'name', order: 'desc', limit: -1 }).items;
    expect(desc.map((i) => i.id)).toEqual(
      all
        .sort(ref.name)
        .map((i) => i.id)
        .reverse(),
    );
  });

  it('pages the grid from indexes, never by scanning and sorting the table', () => {
    const db = (store as unknown as { db: Database.Database }).db;
    const plans = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('; ');
    const q = (where: string, order: string) =>
      plans(
        `SELECT i.id FROM images i LEFT JOIN classes c ON c.id = i.label_class_id WHERE i.status = 'active' ${where} ORDER BY ${order} LIMIT 200 OFFSET 1000`,
      );
    for (const [where, order] of [
      ['', 'i.id'],
      ["AND i.grid_state = 'labelled'", 'i.id'],
      ['AND i.label_class_id = 1', 'i.id'],
      ['', 'i.name COLLATE NOCASE, i.id'],
      ['', 'i.label_class_id IS NOT NULL, i.al_score IS NULL, ifnull(-i.al_score, 0), i.id'],
      ['', 'i.confidence IS NULL, ifnull(i.confidence, 0), i.id'],
    ]) {
      const plan = q(where, order);
      expect(plan, `${where} ORDER BY ${order}`).toMatch(/USING (COVERING )?INDEX/);
      expect(plan, `${where} ORDER BY ${order}`).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('migrates a project made by the previous schema, review flags and AL scores included', () => {
    const file = path.join(dir, 'old', PROJECT_DB);
    store.close();
    rmSync(path.join(dir, 'p'), { recursive: true, force: true });
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    // The schema just before the grid columns: what the current release writes.
    migrate(
      db,
      MIGRATIONS.slice(
        0,
        MIGRATIONS.findIndex((m) => m.includes('image_counts')),
      ),
      file,
    );
    const t = now();
    db.exec(`INSERT INTO project VALUES (1, 'old', '${t}');
      INSERT INTO classes (id, name, kind, task, position) VALUES (1, 'normal', 'image', 'default', 0),
        (2, 'pneumonia', 'image', 'default', 1), (3, 'lung', 'mask', 'default', 0), (4, 'x', 'image', 'other', 0);`);
    const ins =
      db.prepare(`INSERT INTO images (id, sha256, original_path, format, width, height, bits, file_size, meta, source, status, added_at)
      VALUES (?, ?, ?, 'png', 4, 3, 8, 10, ?, ?, ?, '${t}')`);
    for (let i = 1; i <= 6; i++)
      ins.run(
        i,
        sha(i),
        `/d/${i}.png`,
        i === 2 ? '{"needsReview":true,"view":"PA"}' : '{}',
        i % 2 ? 'nih' : null,
        i === 6 ? 'excluded' : 'active',
      );
    db.exec(`INSERT INTO labels VALUES (1, 'default', 2, 'a', 'human', '${t}'), (2, 'default', 1, 'a', 'import', '${t}'),
        (3, 'other', 4, 'a', 'human', '${t}'), (6, 'default', 1, 'a', 'human', '${t}');
      INSERT INTO masks VALUES (4, 3, x'00', 4, 3, 'a', 'human', '${t}');
      INSERT INTO settings VALUES ('api.alScores', '{"3":0.5,"4":0.25}');`);
    db.close();
    store = openProject(path.dirname(file), { skipIntegrityCheck: true });
    const items = new Map(store.listImages({ limit: -1 }).items.map((i) => [i.id, i]));
    expect(items.get(2)).toMatchObject({
      needsReview: true,
      meta: { view: 'PA' },
      gridState: 'needs-review',
      label: 'normal',
    });
    expect(items.get(1)).toMatchObject({ label: 'pneumonia', labelSource: 'human', gridState: 'labelled' });
    expect(items.get(3)).toMatchObject({ label: null, alScore: 0.5, gridState: 'unlabelled' });
    expect(items.get(4)).toMatchObject({ hasMask: true, alScore: 0.25 });
    expect(store.getSetting('api.alScores')).toBeUndefined();
    expect(store.gridCounts()).toEqual(recount(store, null));
    expect(store.listImages({ status: 'active', state: 'unlabelled' }).total).toBe(3);
  });
});
