import { NotFoundError } from '../errors.ts';
import { requireClass, shownName } from './classes.ts';
import type { Statements } from './db.ts';
import { now } from './db.ts';
import {
  type AnnotationSource,
  DEFAULT_TASK,
  type LabelEvent,
  type LabelRow,
  type LabelWrite,
} from './types.ts';

const CURRENT = `SELECT l.image_id AS imageId, l.task, c.name AS label, l.author, l.source, l.updated_at AS updatedAt
  FROM labels l JOIN classes c ON c.id = l.class_id`;

function requireImage(st: Statements, imageId: number): void {
  if (!st.get('SELECT 1 FROM images WHERE id = ?').get(imageId))
    throw new NotFoundError(`no image with id ${imageId}`);
}

function currentClassId(st: Statements, imageId: number, task: string): number | null {
  const r = st.get('SELECT class_id FROM labels WHERE image_id = ? AND task = ?').get(imageId, task) as
    | { class_id: number }
    | undefined;
  return r?.class_id ?? null;
}

/** Writes the current label and its history event; the caller wraps this in a transaction. */
export function setLabel(st: Statements, w: LabelWrite): LabelRow {
  const task = w.task ?? DEFAULT_TASK;
  requireImage(st, w.imageId);
  const cls = requireClass(st, w.label, 'image', task);
  const prev = currentClassId(st, w.imageId, task);
  const at = now();
  st.get(
    `INSERT INTO labels (image_id, task, class_id, author, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (image_id, task) DO UPDATE SET class_id = excluded.class_id, author = excluded.author,
       source = excluded.source, updated_at = excluded.updated_at`,
  ).run(w.imageId, task, cls.id, w.author, w.source, at);
  st.get(
    `INSERT INTO label_events (image_id, task, class_id, prev_class_id, author, source, duration_ms, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(w.imageId, task, cls.id, prev, w.author, w.source, w.durationMs ?? null, at);
  return { imageId: w.imageId, task, label: cls.name, author: w.author, source: w.source, updatedAt: at };
}

export function clearLabel(
  st: Statements,
  imageId: number,
  author: string,
  task = DEFAULT_TASK,
  source: AnnotationSource = 'human',
): void {
  requireImage(st, imageId);
  const prev = currentClassId(st, imageId, task);
  if (prev === null) return;
  st.get('DELETE FROM labels WHERE image_id = ? AND task = ?').run(imageId, task);
  st.get(
    `INSERT INTO label_events (image_id, task, class_id, prev_class_id, author, source, at)
     VALUES (?, ?, NULL, ?, ?, ?, ?)`,
  ).run(imageId, task, prev, author, source, now());
}

export function getLabel(st: Statements, imageId: number, task = DEFAULT_TASK): LabelRow | null {
  return (st.get(`${CURRENT} WHERE l.image_id = ? AND l.task = ?`).get(imageId, task) as LabelRow) ?? null;
}

export function getLabels(st: Statements, task = DEFAULT_TASK): LabelRow[] {
  return st.get(`${CURRENT} WHERE l.task = ? ORDER BY l.image_id`).all(task) as LabelRow[];
}

export function getLabelHistory(st: Statements, imageId: number, task = DEFAULT_TASK): LabelEvent[] {
  return st
    .get(
      `SELECT e.id, e.image_id AS imageId, e.task, c.name AS label, p.name AS previous, e.author, e.source,
         e.duration_ms AS durationMs, e.at
       FROM label_events e LEFT JOIN classes c ON c.id = e.class_id LEFT JOIN classes p ON p.id = e.prev_class_id
       WHERE e.image_id = ? AND e.task = ? ORDER BY e.id`,
    )
    .all(imageId, task)
    .map((e) => {
      const ev = e as LabelEvent;
      return { ...ev, label: shownName(ev.label), previous: shownName(ev.previous) };
    });
}
