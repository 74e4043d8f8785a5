import { NotFoundError } from '../errors.ts';
import type { Statements } from './db.ts';
import { now, parseJson } from './db.ts';
import {
  type AddImageResult,
  DEFAULT_TASK,
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
  needs_review: number;
  added_at: string;
  label?: string | null;
  has_mask?: number;
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

export function getImage(st: Statements, id: number): ImageRow | null {
  const r = st.get('SELECT * FROM images WHERE id = ?').get(id) as ImageDbRow | undefined;
  return r ? toImage(r) : null;
}

export function findImageBySha(st: Statements, sha256: string): ImageRow | null {
  const r = st.get('SELECT * FROM images WHERE sha256 = ?').get(sha256) as ImageDbRow | undefined;
  return r ? toImage(r) : null;
}

const SORTS: Record<NonNullable<ListOptions['sort']>, string> = {
  id: 'i.id',
  added: 'i.added_at, i.id',
  path: 'i.original_path',
  label: 'c.name, i.id',
  patient: 'i.patient_id, i.id',
};

function where(f: ImageFilter): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, ...p: unknown[]) => {
    conds.push(cond);
    params.push(...p);
  };
  if (f.label === null || f.labelled === false) add('l.class_id IS NULL');
  else if (f.label !== undefined) add('c.name = ?', f.label);
  if (f.labelled === true) add('l.class_id IS NOT NULL');
  if (f.status) add('i.status = ?', f.status);
  if (f.source !== undefined) add('i.source IS ?', f.source);
  if (f.split === null) add('i.split IS NULL');
  else if (f.split) add('i.split = ?', f.split);
  if (f.patientId !== undefined) add('i.patient_id = ?', f.patientId);
  if (f.hasMask !== undefined)
    add(`${f.hasMask ? '' : 'NOT '}EXISTS (SELECT 1 FROM masks m WHERE m.image_id = i.id)`);
  if (f.ids) add('i.id IN (SELECT value FROM json_each(?))', JSON.stringify(f.ids));
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

export function listImages(st: Statements, opts: ListOptions = {}): Page<ImageListItem> {
  const task = opts.task ?? DEFAULT_TASK;
  const from = `FROM images i
    LEFT JOIN labels l ON l.image_id = i.id AND l.task = ?
    LEFT JOIN classes c ON c.id = l.class_id`;
  const w = where(opts);
  const total = (
    st.db.prepare(`SELECT count(*) AS n ${from} ${w.sql}`).get(task, ...w.params) as { n: number }
  ).n;
  const order = `${SORTS[opts.sort ?? 'id']} ${opts.order === 'desc' ? 'DESC' : 'ASC'}`;
  const limit = opts.limit ?? -1;
  const rows = st.db
    .prepare(
      `SELECT i.*, c.name AS label,
         EXISTS (SELECT 1 FROM masks m WHERE m.image_id = i.id) AS has_mask
       ${from} ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`,
    )
    .all(task, ...w.params, limit, opts.offset ?? 0) as ImageDbRow[];
  return {
    total,
    items: rows.map((r) => ({ ...toImage(r), label: r.label ?? null, hasMask: r.has_mask === 1 })),
  };
}

const PATCH_COLUMNS = {
  patientId: 'patient_id',
  source: 'source',
  split: 'split',
  status: 'status',
  meta: 'meta',
  needsReview: 'needs_review',
};

export function updateImage(
  st: Statements,
  id: number,
  patch: Partial<Pick<ImageRow, 'patientId' | 'source' | 'split' | 'status' | 'meta' | 'needsReview'>>,
): void {
  const sets: string[] = [];
  const params: unknown[] = [];
  for (const [k, col] of Object.entries(PATCH_COLUMNS)) {
    const v = patch[k as keyof typeof patch];
    if (v === undefined) continue;
    sets.push(`${col} = ?`);
    params.push(k === 'meta' ? JSON.stringify(v) : k === 'needsReview' ? (v ? 1 : 0) : v);
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
