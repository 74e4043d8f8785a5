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
      .iterate() as Iterable<{
      id: number;
      original_path: string;
      stored_path: string | null;
      file_size: number;
    }>;
    for (const r of rows) {
      checkedImages++;
      if (r.stored_path) stored.add(path.normalize(r.stored_path));
      const file = r.stored_path ? path.join(dir, r.stored_path) : r.original_path;
      let size = -1;
      try {
        size = statSync(file).size;
      } catch {
        // reported below
      }
      if (size === r.file_size) continue;
      const why = size < 0 ? 'is missing' : `has ${size} bytes, expected ${r.file_size}`;
      if (r.stored_path) {
        errors.push({
          kind: 'missing_file',
          message: `managed copy ${file} ${why}`,
          imageId: r.id,
          path: file,
        });
      } else {
        warnings.push({
          kind: 'missing_reference',
          message: `referenced image ${file} ${why}`,
          imageId: r.id,
          path: file,
        });
      }
    }
  }
  if (errors.length === 0) {
    const orphans = orphanFiles(dir, stored);
    if (orphans.length) {
      warnings.push({
        kind: 'orphan_files',
        message: `${orphans.length} file(s) under ${IMAGES_DIR}/ belong to no image (left by an interrupted import; the next import of the same file reuses them), e.g. ${orphans[0]}`,
      });
    }
  }
  return { ok: errors.length === 0, errors, warnings, checkedImages, ms: Math.round(performance.now() - t0) };
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
