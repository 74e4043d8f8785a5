import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Encoder } from '../model/encoder.ts';
import { computeFeatures, isPooled } from '../model/features.ts';
import { modelInputFromFile } from '../model/input.ts';
import type { FeatureArray, FeatureLayer, RunControl } from '../model/types.ts';
import { openDb } from '../store/db.ts';
import { fromFloat16, toFloat16 } from '../util/f16.ts';

/** Features of images outside the project (evaluation sets), keyed by file content. */
export const EVAL_FEATURES_DB = 'cache/eval-features.sqlite';

/**
 * A cache of encoder outputs for files that are not project images, keyed by the sha256 of the
 * file bytes × encoder × layer, so a second `spcxr eval` of the same set reads instead of
 * re-encoding (renamed or moved files still hit). Derived data: deleting it costs time only.
 */
export class EvalFeatureCache {
  private readonly db: Database.Database;

  constructor(projectDir: string) {
    const file = path.join(projectDir, EVAL_FEATURES_DB);
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = openDb(file, { synchronous: 'NORMAL' });
    this.db.exec(`CREATE TABLE IF NOT EXISTS eval_features (
      sha256 TEXT NOT NULL, encoder_id TEXT NOT NULL, layer TEXT NOT NULL,
      dtype TEXT NOT NULL, shape TEXT NOT NULL, data BLOB NOT NULL,
      PRIMARY KEY (sha256, encoder_id, layer)) WITHOUT ROWID`);
  }

  get(sha: string, encoderId: string, layer: string): FeatureArray | undefined {
    const r = this.db
      .prepare(
        'SELECT dtype, shape, data FROM eval_features WHERE sha256 = ? AND encoder_id = ? AND layer = ?',
      )
      .get(sha, encoderId, layer) as { dtype: string; shape: string; data: Buffer } | undefined;
    if (!r) return undefined;
    const bytes = new Uint8Array(r.data.byteLength);
    bytes.set(r.data);
    const data =
      r.dtype === 'float16' ? fromFloat16(new Uint16Array(bytes.buffer)) : new Float32Array(bytes.buffer);
    return { shape: JSON.parse(r.shape), data };
  }

  put(rows: Array<{ sha: string; encoderId: string; layer: string; f: FeatureArray }>): void {
    const ins = this.db.prepare(
      'INSERT OR REPLACE INTO eval_features (sha256, encoder_id, layer, dtype, shape, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const r of rows) {
        // Same precision rule as the project cache: pooled vectors exact, token layers float16.
        const half = !isPooled(r.layer);
        const arr = half ? toFloat16(r.f.data) : r.f.data;
        ins.run(
          r.sha,
          r.encoderId,
          r.layer,
          half ? 'float16' : 'float32',
          JSON.stringify(r.f.shape),
          Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength),
        );
      }
    })();
  }

  /** Drops entries of other encoders (they can never be read again). */
  keepOnly(encoderId: string): void {
    this.db.prepare('DELETE FROM eval_features WHERE encoder_id != ?').run(encoderId);
  }

  close(): void {
    this.db.close();
  }
}

export interface EvalFeatureResult {
  /** Per input file, in order; undefined where the file failed. */
  sha256: Array<string | undefined>;
  feats: Record<string, Array<FeatureArray | undefined>>;
  failed: Array<{ file: string; reason: string }>;
  computed: number;
  cached: number;
}

/**
 * Features of external files for `layers`, from the eval cache where present, else decoded and
 * encoded in encoder batches and stored. A file that cannot be read or decoded is listed in
 * `failed` with the reason and skipped.
 */
export async function evalFeatures(
  projectDir: string,
  encoder: Encoder,
  files: string[],
  layers: FeatureLayer[],
  ctl: RunControl = {},
): Promise<EvalFeatureResult> {
  const cache = new EvalFeatureCache(projectDir);
  const uniq = [...new Set(layers)];
  const out: EvalFeatureResult = {
    sha256: [],
    feats: Object.fromEntries(uniq.map((l) => [l, []])),
    failed: [],
    computed: 0,
    cached: 0,
  };
  try {
    cache.keepOnly(encoder.id);
    const todo: Array<{ i: number; sha: string }> = [];
    for (let i = 0; i < files.length; i++) {
      let sha: string | undefined;
      try {
        sha = createHash('sha256')
          .update(await readFile(files[i]))
          .digest('hex');
      } catch (e) {
        out.failed.push({ file: files[i], reason: (e as Error).message });
      }
      out.sha256.push(sha);
      if (!sha) continue;
      const hit = uniq.map((l) => cache.get(sha, encoder.id, l));
      if (hit.every(Boolean)) {
        uniq.forEach((l, k) => {
          out.feats[l][i] = hit[k];
        });
        out.cached++;
      } else todo.push({ i, sha });
    }
    ctl.onProgress?.({ phase: 'features', done: 0, total: todo.length });
    for (let s = 0; s < todo.length; s += encoder.batchSize) {
      ctl.signal?.throwIfAborted();
      const ok: Array<{ i: number; sha: string; x: Float32Array }> = [];
      for (const t of todo.slice(s, s + encoder.batchSize)) {
        try {
          ok.push({ ...t, x: (await modelInputFromFile(files[t.i], encoder.card)).data });
        } catch (e) {
          out.failed.push({ file: files[t.i], reason: (e as Error).message });
          out.sha256[t.i] = undefined;
        }
      }
      if (ok.length) {
        const f = await computeFeatures(
          encoder,
          ok.map((o) => o.x),
          uniq,
        );
        const rows: Parameters<EvalFeatureCache['put']>[0] = [];
        ok.forEach((o, j) => {
          for (const l of uniq) {
            out.feats[l][o.i] = f[l][j];
            rows.push({ sha: o.sha, encoderId: encoder.id, layer: l, f: f[l][j] });
          }
        });
        cache.put(rows);
        out.computed += ok.length;
      }
      ctl.onProgress?.({
        phase: 'features',
        done: Math.min(todo.length, s + encoder.batchSize),
        total: todo.length,
      });
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    cache.close();
  }
  return out;
}
