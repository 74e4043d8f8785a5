import { NotFoundError } from '../errors.ts';
import type { Statements } from './db.ts';
import { now, parseJson } from './db.ts';
import { counter } from './grid.ts';
import {
  type AddImageResult,
  DEFAULT_TASK,
  type GridState,
  type ImageFilter,
  type ImageListItem,
  type ImageRow,
  type ListOptions,
  type NewImage,
  type Page,
} from './types.ts';

interface ImageDbRow {
  id: number;
  sha256: string;
  original_path: string;
  stored_path: string | null;
  format: string;
  width: number;
  height: number;
  bits: number;
  file_size: number;
  meta: string;
  patient_id: string | null;
  source: string | null;
  split: ImageRow['split'];
  status: ImageRow['status'];
  added_at: string;
  needs_review: number;
  label?: string | null;
  label_source?: string | null;
  mask_count?: number;
  grid_state?: GridState;
  confidence?: number | null;
  al_score?: number | null;
}

export function toImage(r: ImageDbRow): ImageRow {
  return {
    id: r.id,
    sha256: r.sha256,
    originalPath: r.original_path,
    storedPath: r.stored_path,
    storage: r.stored_path ? 'copy' : 'reference',
    format: r.format,
    width: r.width,
    height: r.height,
    bits: r.bits,
    fileSize: r.file_size,
    meta: parseJson(r.meta, {}),
    patientId: r.patient_id,
    source: r.source,
    split: r.split,
    status: r.status,
    needsReview: r.needs_review === 1,
    addedAt: r.added_at,
  };
}

/** Inserts unless the sha256 exists. Call inside a transaction when writing a thumbnail too. */
export function addImage(st: Statements, img: NewImage): AddImageResult {
  const existing = st.get('SELECT id FROM images WHERE sha256 = ?').get(img.sha256) as
    | { id: number }
    | undefined;
  if (existing) return { id: existing.id, created: false };
  const info = st
    .get(
      `INSERT INTO images (sha256, original_path, stored_path, format, width, height, bits, file_size,
         meta, patient_id, source, split, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      img.sha256,
      img.originalPath,
      img.storedPath,
      img.format,
      img.width,
      img.height,
      img.bits,
      img.fileSize,
      JSON.stringify(img.meta ?? {}),
      img.patientId ?? null,
      img.source ?? null,
      img.split ?? null,
      now(),
    );
  const id = Number(info.lastInsertRowid);
  if (img.thumbnail) setThumbnail(st, id, img.thumbnail);
  return { id, created: true };
}

export function setThumbnail(
  st: Statements,
  imageId: number,
  t: { data: Uint8Array; mime: string; width: number; height: number },
): void {
  st.get(
    'INSERT OR REPLACE INTO thumbnails (image_id, mime, width, height, data) VALUES (?, ?, ?, ?, ?)',
  ).run(imageId, t.mime, t.width, t.height, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

export function getThumbnail(st: Statements, imageId: number) {
  return (
    (st.get('SELECT data, mime, width, height FROM thumbnails WHERE image_id = ?').get(imageId) as
      | { data: Buffer; mime: string; width: number; height: number }
      | undefined) ?? null
  );
}

export function getThumbnails(st: Statements, imageIds: number[]) {
  return st
    .get(
      `SELECT t.image_id AS id, i.sha256, t.mime, t.data FROM json_each(?) j
       JOIN thumbnails t ON t.image_id = j.value JOIN images i ON i.id = t.image_id`,
    )
    .all(JSON.stringify(imageIds)) as Array<{ id: number; sha256: string; mime: string; data: Buffer }>;
}

export function getImage(st: Statements, id: number): ImageRow | null {
  const r = st.get('SELECT * FROM images WHERE id = ?').get(id) as ImageDbRow | undefined;
  return r ? toImage(r) : null;
}

export function findImageBySha(st: Statements, sha256: string): ImageRow | null {
  const r = st.get('SELECT * FROM images WHERE sha256 = ?').get(sha256) as ImageDbRow | undefined;
  return r ? toImage(r) : null;
}

/** Sort keys, each ascending by default; `flip` terms follow the requested order. */
type Key = { expr: string; flip: boolean; desc?: boolean; nullable?: boolean };

function sortKeys(sort: NonNullable<ListOptions['sort']>, order: ListOptions['order']): Key[] {
  const k = (expr: string, flip = true): Key => ({ expr, flip });
  switch (sort) {
    case 'score':
      // Unlabelled first, then highest score: labelled images keep stale scores of older passes.
      return [
        k('i.label_class_id IS NOT NULL', false),
        k('i.al_score IS NULL', false),
        k(order === 'asc' ? 'ifnull(i.al_score, 0)' : 'ifnull(-i.al_score, 0)', false),
        k('i.id', false),
      ];
    case 'confidence':
      return [
        k('i.confidence IS NULL', false),
        k(order === 'desc' ? 'ifnull(-i.confidence, 0)' : 'ifnull(i.confidence, 0)', false),
        k('i.id', false),
      ];
    case 'added':
      return [k('i.added_at'), k('i.id')];
    case 'path':
      return [k('i.original_path'), k('i.id')];
    case 'name':
      return [k('i.name COLLATE NOCASE'), k('i.id')];
    case 'label':
      return [k('c.name IS NOT NULL'), { ...k('c.name'), nullable: true }, k('i.id')];
    case 'patient':
      return [k('i.patient_id IS NOT NULL'), { ...k('i.patient_id'), nullable: true }, k('i.id')];
    default:
      return [k('i.id')];
  }
}

const descOf = (key: Key, order: ListOptions['order']) => key.desc ?? (key.flip && order === 'desc');

/** Rows after the cursor image in this order (keyset paging: no OFFSET walk). */
function afterCursor(keys: Key[], order: ListOptions['order']): string {
  const exprs = keys.map((k) => k.expr.replace(' COLLATE NOCASE', ''));
  const collate = keys.map((k) => (k.expr.endsWith(' COLLATE NOCASE') ? ' COLLATE NOCASE' : ''));
  const x = (e: string) => e.replaceAll('i.', 'x.').replaceAll('c.name', 'xc.name');
  const src = 'FROM images x LEFT JOIN classes xc ON xc.id = x.label_class_id WHERE x.id = ?';
  const cur = (i: number) => `(SELECT ${x(exprs[i])} ${src})`;
  const dirs = keys.map((k) => descOf(k, order));
  // A row value compares to NULL as NULL, so nullable keys take the spelled-out form.
  if (dirs.every((d) => d === dirs[0]) && collate.every((c) => !c) && keys.every((k) => !k.nullable)) {
    const lhs = `(${exprs.join(', ')})`;
    const rhs = `(SELECT ${exprs.map(x).join(', ')} ${src})`;
    return `${lhs} ${dirs[0] ? '<' : '>'} ${rhs}`;
  }
  const ors: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    // Parenthesised: `a IS NOT NULL > b` would parse as `a IS NOT (NULL > b)`.
    const eq = exprs.slice(0, i).map((e, j) => `(${e})${collate[j]} IS ${cur(j)}`);
    ors.push([...eq, `(${exprs[i]})${collate[i]} ${dirs[i] ? '<' : '>'} ${cur(i)}`].join(' AND '));
  }
  return `(${ors.map((o) => `(${o})`).join(' OR ')})`;
}

function where(f: ImageFilter, task: string): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, ...p: unknown[]) => {
    conds.push(cond);
    params.push(...p);
  };
  const labelId = task === DEFAULT_TASK ? 'i.label_class_id' : 'l.class_id';
  if (f.label === null || f.labelled === false) add(`${labelId} IS NULL`);
  else if (f.label !== undefined)
    add(
      `${labelId} = (SELECT id FROM classes WHERE kind = 'image' AND task = ? AND name = ?)`,
      task,
      f.label,
    );
  if (f.labelled === true) add(`${labelId} IS NOT NULL`);
  if (f.status) add('i.status = ?', f.status);
  if (f.state === 'unlabelled') add(`i.grid_state IN ('unlabelled', 'suggested')`);
  else if (f.state) add('i.grid_state = ?', f.state);
  if (f.source !== undefined)
    add(f.source === null ? 'i.source IS NULL' : 'i.source = ?', ...(f.source === null ? [] : [f.source]));
  if (f.split === null) add('i.split IS NULL');
  else if (f.split) add('i.split = ?', f.split);
  if (f.patientId !== undefined) add('i.patient_id = ?', f.patientId);
  if (f.hasMask !== undefined) add(f.hasMask ? 'i.mask_count > 0' : 'i.mask_count = 0');
  if (f.search) add(`i.name LIKE ? ESCAPE '\\'`, `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.ids) add('i.id IN (SELECT value FROM json_each(?))', JSON.stringify(f.ids));
  if (f.author !== undefined)
    add(
      `(i.id IN (SELECT image_id FROM labels WHERE task = ? AND author = ?)
        OR i.id IN (SELECT image_id FROM masks WHERE author = ?))`,
      task,
      f.author,
      f.author,
    );
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/** The page total from the counters when the filter is one they keep, else null. */
function countedTotal(st: Statements, f: ImageFilter, task: string): number | null {
  const set = Object.entries(f).filter(([k, v]) => v !== undefined && k !== 'task');
  const only = (...keys: string[]) => set.every(([k]) => keys.includes(k));
  if (task !== DEFAULT_TASK) return null;
  if (set.length === 0) return counter(st, 'status', 'active') + counter(st, 'status', 'excluded');
  if (f.status !== 'active') return null;
  if (only('status')) return counter(st, 'status', 'active');
  if (only('status', 'state') && f.state)
    return counter(st, 'state', f.state) + (f.state === 'unlabelled' ? counter(st, 'state', 'suggested') : 0);
  if (only('status', 'label') && typeof f.label === 'string') {
    const c = st
      .get(`SELECT id FROM classes WHERE kind = 'image' AND task = ? AND name = ?`)
      .get(task, f.label) as { id: number } | undefined;
    return c ? counter(st, 'class', c.id) : 0;
  }
  return null;
}

/**
 * Filters, sorts and pages in SQL on indexed columns; the ids of the page come from the index
 * alone, then only those rows are read. The total comes from the counters where it can.
 */
export function listImages(st: Statements, opts: ListOptions = {}): Page<ImageListItem> {
  const task = opts.task ?? DEFAULT_TASK;
  const { sort: _s, order: _o, limit: _l, offset: _f, after: _a, ...filter } = opts;
  const from =
    task === DEFAULT_TASK
      ? 'FROM images i LEFT JOIN classes c ON c.id = i.label_class_id'
      : `FROM images i LEFT JOIN labels l ON l.image_id = i.id AND l.task = ?
         LEFT JOIN classes c ON c.id = l.class_id`;
  const taskParam = task === DEFAULT_TASK ? [] : [task];
  const w = where(filter, task);
  const countFrom =
    task !== DEFAULT_TASK ? from : `FROM images i${filter.search ? ' INDEXED BY images_grid_name' : ''}`;
  const total =
    countedTotal(st, filter, task) ??
    (st.get(`SELECT count(*) AS n ${countFrom} ${w.sql}`).get(...taskParam, ...w.params) as { n: number }).n;
  const keys = sortKeys(opts.sort ?? 'id', opts.order);
  const orderBy = keys.map((k) => `${k.expr}${descOf(k, opts.order) ? ' DESC' : ''}`).join(', ');
  let cond = w.sql;
  const params = [...taskParam, ...w.params];
  if (opts.after !== undefined) {
    const c = afterCursor(keys, opts.order);
    cond = cond ? `${cond} AND ${c}` : `WHERE ${c}`;
    params.push(...Array.from({ length: (c.match(/x\.id = \?/g) ?? []).length }, () => opts.after));
  }
  // The classes join is only needed to sort by label name: without it the page's ids come from
  // a covering index.
  let idFrom = task === DEFAULT_TASK && opts.sort !== 'label' ? 'FROM images i' : from;
  // A file-name search scans names: the name index holds them, the table rows need not be read.
  if (filter.search) idFrom = idFrom.replace('FROM images i', 'FROM images i INDEXED BY images_grid_name');
  const ids = st
    .get(`SELECT i.id ${idFrom} ${cond} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
    .all(...params, opts.limit ?? -1, opts.after !== undefined ? 0 : (opts.offset ?? 0)) as Array<{
    id: number;
  }>;
  const rows = st
    .get(
      `SELECT i.*, c.name AS label ${from.replace('FROM images i', 'FROM json_each(?) j JOIN images i ON i.id = j.value')}
       ORDER BY j.key`,
    )
    .all(JSON.stringify(ids.map((r) => r.id)), ...taskParam) as ImageDbRow[];
  return { total, items: rows.map(toListItem) };
}

function toListItem(r: ImageDbRow): ImageListItem {
  return {
    ...toImage(r),
    label: r.label ?? null,
    hasMask: (r.mask_count ?? 0) > 0,
    labelSource: (r.label_source ?? null) as ImageListItem['labelSource'],
    gridState: r.grid_state ?? 'unlabelled',
    confidence: r.confidence ?? null,
    alScore: r.al_score ?? null,
  };
}

const PATCH_COLUMNS = {
  patientId: 'patient_id',
  source: 'source',
  split: 'split',
  status: 'status',
  meta: 'meta',
};

export function updateImage(
  st: Statements,
  id: number,
  patch: Partial<Pick<ImageRow, 'patientId' | 'source' | 'split' | 'status' | 'meta'>>,
): void {
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [k, col] of Object.entries(PATCH_COLUMNS)) {
    const v = patch[k as keyof typeof patch];
    if (v === undefined) continue;
    sets.push(`${col} = ?`);
    params.push(k === 'meta' ? JSON.stringify(v) : v);
  }
  if (!sets.length) return;
  const info = st.db.prepare(`UPDATE images SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
  if (info.changes === 0) throw new NotFoundError(`no image with id ${id}`);
}

/** Deletes image rows (children cascade); returns what went, for file and cache cleanup. */
export function deleteImages(
  st: Statements,
  ids: number[],
): Array<{ id: number; storedPath: string | null }> {
  const sel = st.get('SELECT id, stored_path AS storedPath FROM images WHERE id = ?');
  const del = st.get('DELETE FROM images WHERE id = ?');
  const gone: Array<{ id: number; storedPath: string | null }> = [];
  for (const id of ids) {
    const r = sel.get(id) as { id: number; storedPath: string | null } | undefined;
    if (!r) continue;
    del.run(id);
    gone.push(r);
  }
  return gone;
}
