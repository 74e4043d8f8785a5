import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { fromFloat16, toFloat16 } from '../util/f16.ts';
import { now, openDb, Statements } from './db.ts';
import { FEATURE_MIGRATIONS, migrate } from './migrations.ts';
import type { FeatureEntry, FeatureKey } from './types.ts';
import { FEATURES_DB } from './types.ts';

interface FeatureDbRow {
  image_id: number;
  encoder_id: string;
  layer: string;
  view: number;
  dtype: FeatureEntry['dtype'];
  shape: string;
  data: Buffer;
}

/**
 * The feature cache: a separate database, opened on first use. It holds derived data only
 * (encoder outputs), so losing it costs recomputation, never labels; keeping it out of
 * project.sqlite keeps the project's integrity check fast however large the cache grows.
 */
export class FeatureCache {
  private db: Database.Database | null = null;
  private st: Statements | null = null;

  constructor(private readonly dir: string) {}

  private open(): Statements {
    if (this.st) return this.st;
    const file = path.join(this.dir, FEATURES_DB);
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = openDb(file, { synchronous: 'NORMAL' });
    migrate(this.db, FEATURE_MIGRATIONS, file);
    this.st = new Statements(this.db);
    return this.st;
  }

  put(entries: FeatureEntry[]): void {
    const st = this.open();
    const ins = st.get(
      `INSERT OR REPLACE INTO features (image_id, encoder_id, layer, view, dtype, shape, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = now();
    st.db.transaction(() => {
      for (const e of entries) {
        const expected = e.shape.reduce((a, b) => a * b, 1) * (e.dtype === 'float32' ? 4 : 2);
        if (e.data.byteLength !== expected) {
          throw new Error(
            `feature ${e.layer} of image ${e.imageId}: ${e.data.byteLength} bytes, shape ${e.shape} needs ${expected}`,
          );
        }
        const data = Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength);
        ins.run(e.imageId, e.encoderId, e.layer, e.view ?? 0, e.dtype, JSON.stringify(e.shape), data, at);
      }
    })();
  }

  get(keys: FeatureKey[]): FeatureEntry[] {
    const st = this.open();
    const sel = st.get(
      'SELECT * FROM features WHERE encoder_id = ? AND layer = ? AND view = ? AND image_id = ?',
    );
    const out: FeatureEntry[] = [];
    st.db.transaction(() => {
      for (const k of keys) {
        const r = sel.get(k.encoderId, k.layer, k.view ?? 0, k.imageId) as FeatureDbRow | undefined;
        if (!r) continue;
        out.push({
          imageId: r.image_id,
          encoderId: r.encoder_id,
          layer: r.layer,
          view: r.view,
          dtype: r.dtype,
          shape: JSON.parse(r.shape),
          data: new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength),
        });
      }
    })();
    return out;
  }

  /**
   * One layer of many images as one row-major matrix, in the order of `imageIds`: a single
   * streaming pass over the cache's (encoder, layer, view, image) index, no query per image.
   * Returns the ids that had no entry instead of throwing, so the caller can name them.
   */
  readMatrix(
    encoderId: string,
    layer: string,
    view: number,
    imageIds: number[],
    decode: (dtype: FeatureEntry['dtype'], bytes: Uint8Array) => Float32Array,
  ): { dim: number; data: Float32Array; missing: number[] } {
    const row = new Map<number, number>();
    imageIds.forEach((id, i) => {
      row.set(id, i);
    });
    let data = new Float32Array(0);
    let dim = 0;
    const seen = new Uint8Array(imageIds.length);
    const it = this.open()
      .get(
        'SELECT image_id, dtype, data FROM features WHERE encoder_id = ? AND layer = ? AND view = ? ORDER BY image_id',
      )
      .iterate(encoderId, layer, view) as Iterable<{
      image_id: number;
      dtype: FeatureEntry['dtype'];
      data: Buffer;
    }>;
    for (const r of it) {
      const i = row.get(r.image_id);
      if (i === undefined) continue;
      const v = decode(r.dtype, new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
      if (dim === 0) {
        dim = v.length;
        data = new Float32Array(imageIds.length * dim);
      }
      if (v.length !== dim)
        throw new Error(
          `feature cache: ${layer} of image ${r.image_id} has ${v.length} values, expected ${dim}`,
        );
      data.set(v, i * dim);
      seen[i] = 1;
    }
    return { dim, data, missing: imageIds.filter((_, i) => !seen[i]) };
  }

  /** Moves with every insert, update and delete of a cached entry (a trigger keeps it). */
  version(): number {
    const r = this.open().get('SELECT version FROM feature_version WHERE id = 1').get() as
      | { version: number }
      | undefined;
    return r?.version ?? 0;
  }

  /** Names this cache: a rebuilt or another project's cache has another id (migration 3). */
  cacheId(): string {
    const r = this.open().get('SELECT uuid FROM feature_cache_id WHERE id = 1').get() as
      | { uuid: string }
      | undefined;
    return r?.uuid ?? '';
  }

  /**
   * Every cached image of one (encoder, layer, view), ordered by image id, as one row-major
   * float16 matrix (what the worker keeps resident) in a single streaming pass. Returns null
   * without reading the data when it would hold more than `maxValues` values, so a caller with a
   * memory budget can say no cheaply. Rows are packed straight from SQLite's buffers: no
   * per-row arrays, whose many small allocations stayed in the worker's RSS after the read.
   */
  readLayer(
    encoderId: string,
    layer: string,
    view: number,
    maxValues?: number,
  ): { ids: Int32Array; dim: number; data: Uint16Array } | null;
  /** The same as float32 (the exact values: what the float16 matrix is measured against). */
  readLayer(
    encoderId: string,
    layer: string,
    view: number,
    maxValues: number,
    float32: true,
  ): { ids: Int32Array; dim: number; data: Float32Array } | null;
  readLayer(
    encoderId: string,
    layer: string,
    view: number,
    maxValues = Number.POSITIVE_INFINITY,
    float32 = false,
  ): { ids: Int32Array; dim: number; data: Uint16Array | Float32Array } | null {
    const st = this.open();
    const where = 'FROM features WHERE encoder_id = ? AND layer = ? AND view = ?';
    const n = (st.get(`SELECT count(*) AS n ${where}`).get(encoderId, layer, view) as { n: number }).n;
    const first = st.get(`SELECT shape ${where} LIMIT 1`).get(encoderId, layer, view) as
      | { shape: string }
      | undefined;
    const dim = first ? (JSON.parse(first.shape) as number[]).reduce((a, b) => a * b, 1) : 0;
    if (n * dim > maxValues) return null;
    const ids = new Int32Array(n);
    const data = float32 ? new Float32Array(n * dim) : new Uint16Array(n * dim);
    const row = new Float32Array(dim);
    const rowBytes = new Uint8Array(row.buffer);
    const bytes = new Uint8Array(data.buffer);
    let i = 0;
    const it = st
      .get(`SELECT image_id, dtype, data ${where} ORDER BY image_id`)
      .iterate(encoderId, layer, view) as Iterable<{
      image_id: number;
      dtype: FeatureEntry['dtype'];
      data: Buffer;
    }>;
    for (const r of it) {
      const width = r.dtype === 'float16' ? 2 : 4;
      if (r.data.byteLength !== dim * width || i >= n)
        throw new Error(
          `feature cache: ${layer} of image ${r.image_id} has ${r.data.byteLength / width} values, expected ${dim}`,
        );
      ids[i] = r.image_id;
      if (data instanceof Float32Array) {
        if (width === 4) bytes.set(r.data, i * dim * 4);
        else data.set(fromFloat16(new Uint16Array(r.data.buffer, r.data.byteOffset, dim)), i * dim);
      } else if (width === 2) bytes.set(r.data, i * dim * 2);
      else {
        rowBytes.set(r.data);
        toFloat16(row, data, i * dim);
      }
      i++;
    }
    return { ids, dim, data };
  }

  imagesWith(encoderId: string, layers: string[], view = 0): Set<number> {
    const rows = this.open()
      .get(
        `SELECT image_id FROM features WHERE encoder_id = ? AND view = ? AND layer IN (SELECT value FROM json_each(?))
         GROUP BY image_id HAVING count(DISTINCT layer) = ?`,
      )
      .all(encoderId, view, JSON.stringify(layers), new Set(layers).size) as Array<{ image_id: number }>;
    return new Set(rows.map((r) => r.image_id));
  }

  invalidate(keepEncoderId?: string): number {
    const st = this.open();
    const info = keepEncoderId
      ? st.get('DELETE FROM features WHERE encoder_id != ?').run(keepEncoderId)
      : st.get('DELETE FROM features').run();
    return info.changes;
  }

  /** Images deleted from the project: their cached features go too (no cross-database FK). */
  deleteImages(imageIds: number[]): void {
    if (imageIds.length === 0) return;
    this.open()
      .get('DELETE FROM features WHERE image_id IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(imageIds));
  }

  quickCheck(): string[] {
    if (!this.st && !existsSync(path.join(this.dir, FEATURES_DB))) return [];
    const rows = this.open().db.pragma('quick_check') as Array<{ quick_check: string }>;
    return rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  }

  close(): void {
    this.db?.close();
    this.db = null;
    this.st = null;
  }
}
