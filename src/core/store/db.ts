import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ensurePrivateFile } from './private-files.ts';

/**
 * Connection settings for every project database.
 * - WAL: readers (UI, API) never block the writer, and a commit is one append to the WAL.
 * - synchronous=FULL: the WAL is fsynced at every commit, so a commit survives power loss and
 *   OS crashes, not only kill -9 (NORMAL would suffice for kill -9). Writes are human-paced or
 *   batched (import, feature cache), so the extra fsync is cheap; measured in docs/BENCHMARKS.md.
 * - foreign_keys=ON: no label, mask or prediction can point at a missing image.
 *   The feature cache passes NORMAL: it is derived data, and NORMAL is still safe on kill -9.
 * - busy_timeout: a second process (CLI next to the app) waits instead of failing at once.
 */
export function openDb(
  file: string,
  opts: { readonly?: boolean; fileMustExist?: boolean; synchronous?: 'FULL' | 'NORMAL' } = {},
) {
  if (!opts.readonly && !(opts.fileMustExist && !existsSync(file))) ensurePrivateFile(file);
  const db = new Database(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.fileMustExist ?? false,
  });
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  return db;
}

/** Cache of prepared statements per connection (preparing is slower than running). */
export class Statements {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly db: Database.Database) {}
  get(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

export const now = (): string => new Date().toISOString();

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null) return fallback;
  return JSON.parse(text) as T;
}
