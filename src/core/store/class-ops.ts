/**
 * Class management: add, rename, merge and remove classes, each recorded in `class_events` with
 * what is needed to undo it. A removed or merged class is hidden (its row stays, since label and
 * mask events point at it) and its name is freed for reuse. Labels it loses are cleared or moved
 * through the ordinary label functions, so their history shows the change too.
 */

import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { ClassEvent, ClassImpact, ClassOp, ClassOpResult } from './class-types.ts';
import { addClass, findClass, getClass, MASK_TASK, renameClass, shownName } from './classes.ts';
import type { Statements } from './db.ts';
import { now } from './db.ts';
import { clearLabel, setLabel } from './labels.ts';
import { clearMask, setMask } from './masks.ts';
import { type AnnotationSource, type ClassRow, DEFAULT_TASK } from './types.ts';

interface LabelMemo {
  imageId: number;
  author: string;
  source: AnnotationSource;
}
interface MaskMemo {
  imageId: number;
  /** mask_events row holding the PNG the mask had when its class went. */
  eventId: number;
}
interface Detail {
  from?: string;
  to?: string;
  name?: string;
  labels?: LabelMemo[];
  masks?: MaskMemo[];
}

function requireLive(st: Statements, id: number): ClassRow {
  const c = getClass(st, id);
  if (!c) throw new NotFoundError(`no class with id ${id}`);
  return c;
}

function labelsOf(st: Statements, c: ClassRow): LabelMemo[] {
  return st
    .get('SELECT image_id AS imageId, author, source FROM labels WHERE class_id = ? ORDER BY image_id')
    .all(c.id) as LabelMemo[];
}

function masksOf(st: Statements, c: ClassRow): MaskMemo[] {
  return st
    .get(
      `SELECT m.image_id AS imageId,
         (SELECT max(e.id) FROM mask_events e WHERE e.image_id = m.image_id AND e.class_id = m.class_id
            AND e.png IS NOT NULL) AS eventId
       FROM masks m WHERE m.class_id = ? ORDER BY m.image_id`,
    )
    .all(c.id) as MaskMemo[];
}

/** How many labels and masks an operation would change (for the confirmation). */
export function classImpact(st: Statements, op: ClassOp): ClassImpact {
  if (op.op === 'add' || op.op === 'rename') return { labels: 0, masks: 0 };
  const c = requireLive(st, op.id);
  return { labels: labelsOf(st, c).length, masks: masksOf(st, c).length };
}

function hide(st: Statements, c: ClassRow): void {
  st.get('UPDATE classes SET removed_at = ?, name = ? WHERE id = ?').run(
    now(),
    `${c.name}#removed-${c.id}`,
    c.id,
  );
}

function unhide(st: Statements, id: number, name: string): ClassRow {
  const row = st.get('SELECT kind, task FROM classes WHERE id = ?').get(id) as {
    kind: 'image';
    task: string;
  };
  if (findClass(st, name, row.kind, row.task))
    throw new InvalidInputError(`cannot bring back '${name}': another ${row.kind} class has that name now`);
  st.get('UPDATE classes SET removed_at = NULL, name = ? WHERE id = ?').run(name, id);
  return requireLive(st, id);
}

function record(
  st: Statements,
  op: string,
  classId: number,
  targetId: number | null,
  d: Detail,
  author: string,
) {
  const info = st
    .get('INSERT INTO class_events (op, class_id, target_id, detail, author, at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(op, classId, targetId, JSON.stringify(d), author, now());
  return Number(info.lastInsertRowid);
}

/** Applies one operation; the caller wraps it in a transaction. */
export function applyClassOp(st: Statements, op: ClassOp, author: string): ClassOpResult {
  if (op.op === 'add') {
    const kind = op.kind ?? 'image';
    const task = op.task ?? (kind === 'mask' ? MASK_TASK : DEFAULT_TASK);
    if (findClass(st, op.name.trim(), kind, task))
      throw new ConflictError(`a ${kind} class named '${op.name.trim()}' already exists`);
    const c = addClass(st, op.name, kind, task, null, author);
    return { class: c, affected: { labels: 0, masks: 0 }, event: lastEvent(st) };
  }
  const c = requireLive(st, op.id);
  if (op.op === 'rename') {
    renameClass(st, c.id, op.name);
    record(st, 'rename', c.id, null, { from: c.name, to: op.name.trim() }, author);
    return { class: requireLive(st, c.id), affected: { labels: 0, masks: 0 }, event: lastEvent(st) };
  }
  if (op.op === 'merge') {
    const into = requireLive(st, op.into);
    if (into.id === c.id) throw new InvalidInputError('a class cannot be merged into itself');
    if (c.kind !== 'image' || into.kind !== 'image' || c.task !== into.task)
      throw new InvalidInputError('only image classes of the same task can be merged');
    const labels = labelsOf(st, c);
    for (const l of labels)
      setLabel(st, { imageId: l.imageId, task: c.task, label: into.name, author, source: 'human' });
    hide(st, c);
    record(st, 'merge', c.id, into.id, { name: c.name, labels }, author);
    return { class: into, affected: { labels: labels.length, masks: 0 }, event: lastEvent(st) };
  }
  const labels = labelsOf(st, c);
  const masks = masksOf(st, c);
  for (const l of labels) clearLabel(st, l.imageId, author, c.task, 'human');
  for (const m of masks) clearMask(st, m.imageId, author, c.name, 'human');
  hide(st, c);
  record(st, 'remove', c.id, null, { name: c.name, labels, masks }, author);
  return { class: null, affected: { labels: labels.length, masks: masks.length }, event: lastEvent(st) };
}

function imageExists(st: Statements, id: number): boolean {
  return !!st.get('SELECT 1 FROM images WHERE id = ?').get(id);
}

/**
 * Undoes the newest class operation not undone yet. Labels and masks come back with their
 * original author and source, except on images whose label changed since (those are counted as
 * `kept`, never overwritten).
 */
export function undoClassOp(
  st: Statements,
  author: string,
): { undone: ClassEvent; restored: number; kept: number } {
  const ev = st
    .get("SELECT * FROM class_events WHERE op != 'undo' AND undone_by IS NULL ORDER BY id DESC LIMIT 1")
    .get() as RawEvent | undefined;
  if (!ev) throw new InvalidInputError('nothing to undo in the class list');
  const d = JSON.parse(ev.detail) as Detail;
  let restored = 0;
  let kept = 0;
  if (ev.op === 'add') {
    const c = requireLive(st, ev.class_id);
    const impact = classImpact(st, { op: 'remove', id: c.id });
    if (impact.labels + impact.masks > 0)
      throw new InvalidInputError(
        `'${c.name}' has ${impact.labels} labels and ${impact.masks} masks now; remove it instead`,
      );
    hide(st, c);
  } else if (ev.op === 'rename') {
    renameClass(st, ev.class_id, d.from!);
  } else if (ev.op === 'merge') {
    const c = unhide(st, ev.class_id, d.name!);
    for (const l of d.labels ?? []) {
      const cur = imageExists(st, l.imageId)
        ? (st.get('SELECT class_id FROM labels WHERE image_id = ? AND task = ?').get(l.imageId, c.task) as
            | { class_id: number }
            | undefined)
        : undefined;
      if (cur?.class_id === ev.target_id) {
        setLabel(st, { imageId: l.imageId, task: c.task, label: c.name, author: l.author, source: l.source });
        restored++;
      } else kept++;
    }
  } else {
    const c = unhide(st, ev.class_id, d.name!);
    for (const l of d.labels ?? []) {
      const free =
        imageExists(st, l.imageId) &&
        !st.get('SELECT 1 FROM labels WHERE image_id = ? AND task = ?').get(l.imageId, c.task);
      if (free) {
        setLabel(st, { imageId: l.imageId, task: c.task, label: c.name, author: l.author, source: l.source });
        restored++;
      } else kept++;
    }
    for (const m of d.masks ?? []) {
      const old = st.get('SELECT png, author, source FROM mask_events WHERE id = ?').get(m.eventId) as
        | { png: Buffer; author: string; source: AnnotationSource }
        | undefined;
      const free =
        imageExists(st, m.imageId) &&
        !st.get('SELECT 1 FROM masks WHERE image_id = ? AND class_id = ?').get(m.imageId, c.id);
      if (old && free) {
        setMask(st, {
          imageId: m.imageId,
          maskClass: c.name,
          png: old.png,
          author: old.author,
          source: old.source,
        });
        restored++;
      } else kept++;
    }
  }
  const undoId = record(st, 'undo', ev.class_id, ev.target_id, {}, author);
  st.get('UPDATE class_events SET undone_by = ? WHERE id = ?').run(undoId, ev.id);
  return { undone: toEvent(st, { ...ev, undone_by: undoId }), restored, kept };
}

interface RawEvent {
  id: number;
  op: ClassEvent['op'];
  class_id: number;
  target_id: number | null;
  detail: string;
  author: string;
  at: string;
  undone_by: number | null;
}

function nameOf(st: Statements, id: number | null, d?: Detail): string | null {
  if (id === null) return null;
  const live = getClass(st, id);
  if (live) return live.name;
  if (d?.name) return d.name;
  const r = st.get('SELECT name FROM classes WHERE id = ?').get(id) as { name: string } | undefined;
  return r ? shownName(r.name) : null;
}

function toEvent(st: Statements, r: RawEvent): ClassEvent {
  const d = JSON.parse(r.detail) as Detail;
  const kind = (st.get('SELECT kind FROM classes WHERE id = ?').get(r.class_id) as { kind: 'image' | 'mask' })
    .kind;
  return {
    id: r.id,
    op: r.op,
    classId: r.class_id,
    className: nameOf(st, r.class_id, d),
    kind,
    target: nameOf(st, r.target_id),
    from: d.from ?? null,
    to: d.to ?? null,
    labels: d.labels?.length ?? 0,
    masks: d.masks?.length ?? 0,
    author: r.author,
    at: r.at,
    undone: r.undone_by !== null,
  };
}

function lastEvent(st: Statements): ClassEvent {
  return toEvent(st, st.get('SELECT * FROM class_events ORDER BY id DESC LIMIT 1').get() as RawEvent);
}

/** Newest first. */
export function listClassEvents(st: Statements, limit = 100): ClassEvent[] {
  const rows = st.get('SELECT * FROM class_events ORDER BY id DESC LIMIT ?').all(limit) as RawEvent[];
  return rows.map((r) => toEvent(st, r));
}
