import { statSync } from 'node:fs';
import path from 'node:path';
import type { Statements } from './db.ts';
import type { IntegrityProblem, IntegrityReport } from './types.ts';

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
  return { ok: errors.length === 0, errors, warnings, checkedImages, ms: Math.round(performance.now() - t0) };
}
