import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Statements } from './db.ts';
import { IMAGES_DIR, type IntegrityProblem, type IntegrityReport } from './types.ts';

/**
 * Database structure, foreign keys, and the files the rows point at. A managed copy that is
 * missing or has another size is an error (the project folder was damaged); a referenced
 * original that moved is a warning (the user may have unplugged a drive).
 */
export function integrityCheck(st: Statements, dir: string): IntegrityReport {
  const t0 = performance.now();
  const errors: IntegrityProblem[] = [];
  const warnings: IntegrityProblem[] = [];
  const ic = st.db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  for (const r of ic)
    if (r.integrity_check !== 'ok') errors.push({ kind: 'sqlite', message: r.integrity_check });
  const fk = st.db.pragma('foreign_key_check') as Array<{ table: string; rowid: number; parent: string }>;
  for (const r of fk) {
    errors.push({
      kind: 'foreign_key',
      message: `${r.table} row ${r.rowid} points at a missing ${r.parent} row`,
    });
  }
  let checkedImages = 0;
  const stored = new Set<string>();
  if (errors.length === 0) {
    const rows = st
      .get('SELECT id, original_path, stored_path, file_size FROM images')
      .iterate() as Iterable<FileRow>;
    for (const r of rows) {
      checkedImages++;
      if (r.stored_path) stored.add(path.normalize(r.stored_path));
      checkFile(r, dir, errors, warnings);
    }
  }
  if (errors.length === 0) {
    const all = orphanFiles(dir, stored);
    // Unfinished copies (`.tmp`) are never reused: since copies are written in .tmp/, which
    // every open empties, only older versions left them here.
    const temps = all.filter((f) => f.endsWith('.tmp'));
    const orphans = all.filter((f) => !f.endsWith('.tmp'));
    if (orphans.length) {
      warnings.push({
        kind: 'orphan_files',
        message: `${orphans.length} file(s) under ${IMAGES_DIR}/ belong to no image (complete copies left by an interrupted import; importing the same file again reuses them), e.g. ${orphans[0]}`,
      });
    }
    if (temps.length) {
      warnings.push({
        kind: 'orphan_files',
        message: `${temps.length} unfinished temporary file(s) under ${IMAGES_DIR}/ from an interrupted copy: never reused, safe to delete, e.g. ${temps[0]}`,
      });
    }
  }
  return { ok: errors.length === 0, errors, warnings, checkedImages, ms: Math.round(performance.now() - t0) };
}

/** Below this size the open check reads the whole database: a full quick_check costs little. */
const WHOLE_DB_BYTES = 16 * 1024 * 1024;
/**
 * Above the threshold only these small tables are checked at open, so the open costs the same at
 * any size. A damaged page of a large table (images, labels) is reported by SQLite when it is
 * read ("database disk image is malformed") and by the full check in `spcxr doctor`.
 */
const HOT_TABLES = ['project', 'settings', 'classes', 'image_counts'];
/** Image files whose presence is checked at open, spread evenly over the ids. */
const FILE_SAMPLE = 32;
/** A WAL this large means checkpoints are not keeping up (a reader held open for long). */
const WAL_WARN_BYTES = 256 * 1024 * 1024;

/**
 * The check run at every open, bounded whatever the project's size: schema (migrate did that),
 * `quick_check` of the small tables (of everything while the database is small), the WAL's size and
 * the presence of a sample of image files. The full check (`integrityCheck`, every file and
 * every page) is `spcxr doctor`'s.
 */
export function quickCheck(st: Statements, dir: string, dbFile: string): IntegrityReport {
  const t0 = performance.now();
  const errors: IntegrityProblem[] = [];
  const warnings: IntegrityProblem[] = [];
  const size = fileSize(dbFile);
  const targets = size < WHOLE_DB_BYTES ? [null] : HOT_TABLES;
  for (const t of targets) {
    const rows = st.db.pragma(t ? `quick_check(${t})` : 'quick_check') as Array<{ quick_check: string }>;
    for (const r of rows) if (r.quick_check !== 'ok') errors.push({ kind: 'sqlite', message: r.quick_check });
  }
  const wal = fileSize(`${dbFile}-wal`);
  if (wal > WAL_WARN_BYTES)
    warnings.push({
      kind: 'sqlite',
      message: `write-ahead log is ${Math.round(wal / 2 ** 20)} MB; close other programs using the project so it can be checkpointed`,
    });
  let checkedImages = 0;
  if (errors.length === 0) {
    const { lo, hi } = st.get('SELECT min(id) AS lo, max(id) AS hi FROM images').get() as {
      lo: number | null;
      hi: number | null;
    };
    const sel = st.get(
      'SELECT id, original_path, stored_path, file_size FROM images WHERE id >= ? ORDER BY id LIMIT 1',
    );
    const seen = new Set<number>();
    for (let k = 0; lo !== null && hi !== null && k < FILE_SAMPLE; k++) {
      const r = sel.get(Math.round(lo + ((hi - lo) * k) / Math.max(1, FILE_SAMPLE - 1))) as
        | FileRow
        | undefined;
      if (!r || seen.has(r.id)) continue;
      seen.add(r.id);
      checkedImages++;
      checkFile(r, dir, errors, warnings);
    }
  }
  return { ok: errors.length === 0, errors, warnings, checkedImages, ms: Math.round(performance.now() - t0) };
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

interface FileRow {
  id: number;
  original_path: string;
  stored_path: string | null;
  file_size: number;
}

function checkFile(r: FileRow, dir: string, errors: IntegrityProblem[], warnings: IntegrityProblem[]): void {
  const file = r.stored_path ? path.join(dir, r.stored_path) : r.original_path;
  let size = -1;
  try {
    size = statSync(file).size;
  } catch {
    // reported below
  }
  if (size === r.file_size) return;
  const why = size < 0 ? 'is missing' : `has ${size} bytes, expected ${r.file_size}`;
  if (r.stored_path) {
    errors.push({ kind: 'missing_file', message: `managed copy ${file} ${why}`, imageId: r.id, path: file });
  } else {
    warnings.push({
      kind: 'missing_reference',
      message: `referenced image ${file} ${why}`,
      imageId: r.id,
      path: file,
    });
  }
}

/** Files under images/ that no row points at: copies and temp files of a killed import. */
function orphanFiles(dir: string, stored: Set<string>): string[] {
  const root = path.join(dir, IMAGES_DIR);
  const out: string[] = [];
  if (!existsSync(root)) return out;
  for (const sub of readdirSync(root, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const f of readdirSync(path.join(root, sub.name))) {
      const rel = path.join(IMAGES_DIR, sub.name, f);
      if (!stored.has(rel)) out.push(rel);
    }
  }
  return out;
}
