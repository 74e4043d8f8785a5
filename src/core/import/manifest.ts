import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { normaliseClassName } from '../store/class-name.ts';
import { UNLABELLED_VALUES } from '../store/types.ts';
import { parseCsv } from './csv.ts';
import type { ImportFailure, ImportItem } from './types.ts';

/** Columns with a meaning for import; every other column is kept in the image's meta. */
const KNOWN = new Set(['file', 'label', 'mask', 'patient_id', 'source']);

/**
 * Resolves a manifest path relative to the CSV's folder. Paths that leave that folder
 * (`../x.png`, absolute paths) are refused: a manifest must not reach outside its dataset.
 */
function inside(csvDir: string, rel: string): string | null {
  if (path.isAbsolute(rel)) return null;
  const abs = path.resolve(csvDir, rel);
  const r = path.relative(csvDir, abs);
  return r === '' || r.startsWith('..') || path.isAbsolute(r) ? null : abs;
}

export interface Manifest {
  items: ImportItem[];
  failed: ImportFailure[];
}

/** Far above any real manifest (a million rows is ~100 MB); checked before reading. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * Reads a manifest CSV. A manifest that cannot be used at all throws an Error naming it and the
 * problem; errors never quote the file's bytes (a path to any file may be passed here).
 */
export function readManifest(csvPath: string): Manifest {
  const abs = path.resolve(csvPath);
  let text: string;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw new Error(`${abs}: not a regular file`);
    if (st.size > MAX_MANIFEST_BYTES)
      throw new Error(`${abs}: manifest is ${st.size} bytes (limit ${MAX_MANIFEST_BYTES})`);
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e;
    throw new Error(`${abs}: cannot read manifest: ${code}`);
  }
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (e) {
    throw new Error(`${abs}: not a valid CSV: ${(e as Error).message}`);
  }
  if (rows.length === 0)
    throw new Error(`${abs}: manifest is empty (expected a header with a 'file' column)`);
  const header = rows[0].cells.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col('file') < 0) {
    throw new Error(
      `${abs}: not a manifest: its first line has no 'file' column (${header.length} column${header.length === 1 ? '' : 's'}; expected a header such as file,label,patient_id,source)`,
    );
  }
  const dir = path.dirname(abs);
  const items: ImportItem[] = [];
  const failed: ImportFailure[] = [];
  for (const { line, cells } of rows.slice(1)) {
    const origin = `${abs}:${line}`;
    const get = (name: string) => {
      const i = col(name);
      return i < 0 ? '' : (cells[i] ?? '').trim();
    };
    if (cells.length > header.length) {
      failed.push({ file: origin, reason: `row has ${cells.length} fields, header has ${header.length}` });
      continue;
    }
    const rel = get('file');
    if (!rel) {
      failed.push({ file: origin, reason: "empty 'file' field" });
      continue;
    }
    const file = inside(dir, rel);
    if (!file) {
      failed.push({ file: origin, reason: `path '${rel}' escapes the manifest's folder ${dir}` });
      continue;
    }
    const item: ImportItem = { file, origin };
    const label = get('label');
    if (!UNLABELLED_VALUES.has(label.toLowerCase())) {
      try {
        item.label = normaliseClassName(label);
      } catch (e) {
        failed.push({ file: origin, reason: `bad label: ${(e as Error).message}` });
        continue;
      }
    }
    const mask = get('mask');
    if (mask) {
      const m = inside(dir, mask);
      if (!m)
        failed.push({ file: origin, reason: `mask path '${mask}' escapes the manifest's folder ${dir}` });
      else item.mask = m;
    }
    if (get('patient_id')) item.patientId = get('patient_id');
    if (get('source')) item.source = get('source');
    const extra: Record<string, string> = {};
    header.forEach((h, i) => {
      if (!KNOWN.has(h) && h && cells[i]) extra[h] = cells[i];
    });
    if (Object.keys(extra).length) item.extra = extra;
    items.push(item);
  }
  return { items, failed };
}
