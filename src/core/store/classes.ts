import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { lookAlike, normaliseClassName } from './class-name.ts';
import type { Statements } from './db.ts';
import { now } from './db.ts';
import { type ClassKind, type ClassRow, DEFAULT_MASK_CLASS, DEFAULT_TASK } from './types.ts';

/** Mask classes live in one task of their own: a mask class is not an image label. */
export const MASK_TASK = 'mask';

/** Removed and merged classes stay as rows (events point at them) but are hidden from every lookup. */
const LIVE = 'SELECT id, name, kind, task, color, position FROM classes WHERE removed_at IS NULL';

/** The name a hidden class had (hiding appends `#removed-<id>` to free the name for reuse). */
export function shownName(name: string): string;
export function shownName(name: string | null): string | null;
export function shownName(name: string | null): string | null {
  return name === null ? null : name.replace(/#removed-\d+$/, '');
}

export function listClasses(st: Statements, kind?: ClassKind, task?: string): ClassRow[] {
  const rows = st.get(`${LIVE} ORDER BY kind, task, position, id`).all() as ClassRow[];
  return rows.filter((r) => (!kind || r.kind === kind) && (!task || r.task === task));
}

export function addClass(
  st: Statements,
  name: string,
  kind: ClassKind = 'image',
  task: string = kind === 'mask' ? MASK_TASK : DEFAULT_TASK,
  color: string | null = null,
  author = 'system',
): ClassRow {
  const clean = normaliseClassName(name);
  if (clean.toLowerCase() === 'unknown')
    throw new InvalidInputError("'unknown' is reserved: it means 'no label'");
  const found = findClass(st, clean, kind, task);
  if (found) return found;
  refuseLookAlike(st, clean, kind, task);
  const pos = st
    .get('SELECT coalesce(max(position) + 1, 0) AS p FROM classes WHERE kind = ? AND task = ?')
    .get(kind, task) as { p: number };
  st.get('INSERT INTO classes (name, kind, task, color, position) VALUES (?, ?, ?, ?, ?)').run(
    clean,
    kind,
    task,
    color,
    pos.p,
  );
  const row = findClass(st, clean, kind, task)!;
  st.get('INSERT INTO class_events (op, class_id, author, at) VALUES (?, ?, ?, ?)').run(
    'add',
    row.id,
    author,
    now(),
  );
  return row;
}

export function findClass(st: Statements, name: string, kind: ClassKind, task: string): ClassRow | null {
  return (
    (st.get(`${LIVE} AND kind = ? AND task = ? AND name = ?`).get(kind, task, name) as
      | ClassRow
      | undefined) ?? null
  );
}

/** Resolves a class or throws a message that lists the valid names. */
export function requireClass(st: Statements, name: string, kind: ClassKind, task: string): ClassRow {
  const c = findClass(st, name, kind, task);
  if (c) return c;
  const names = listClasses(st, kind, task).map((r) => r.name);
  throw new InvalidInputError(
    `unknown ${kind} class '${name}' in task '${task}' (known: ${names.join(', ') || 'none'})`,
  );
}

/** A new name that differs from an existing class only in case, width or invisible characters. */
function refuseLookAlike(st: Statements, name: string, kind: ClassKind, task: string, selfId?: number): void {
  const others = listClasses(st, kind, task).filter((c) => c.id !== selfId);
  const twin = lookAlike(
    name,
    others.map((c) => c.name),
  );
  if (twin !== undefined)
    throw new ConflictError(
      `class '${name}' looks like the existing class '${twin}' (differs only in case, width or invisible characters); use '${twin}' or rename one of them`,
    );
}

export function getClass(st: Statements, id: number): ClassRow | null {
  return (st.get(`${LIVE} AND id = ?`).get(id) as ClassRow | undefined) ?? null;
}

/** Renames in place (labels follow, as they point at the id); the caller records the event. */
export function renameClass(st: Statements, id: number, name: string): void {
  const clean = normaliseClassName(name);
  if (clean.toLowerCase() === 'unknown')
    throw new InvalidInputError("'unknown' is reserved: it means 'no label'");
  const cur = getClass(st, id);
  if (!cur) throw new NotFoundError(`no class with id ${id}`);
  const clash = findClass(st, clean, cur.kind, cur.task);
  if (clash && clash.id !== id)
    throw new ConflictError(`a ${cur.kind} class named '${clean}' already exists`);
  refuseLookAlike(st, clean, cur.kind, cur.task, id);
  st.get('UPDATE classes SET name = ? WHERE id = ?').run(clean, id);
}

export function seedClasses(st: Statements, classes: string[], maskClasses: string[]): void {
  for (const c of classes) addClass(st, c, 'image', DEFAULT_TASK);
  for (const c of maskClasses.length ? maskClasses : [DEFAULT_MASK_CLASS]) addClass(st, c, 'mask', MASK_TASK);
}
