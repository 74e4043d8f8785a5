/**
 * Reviews: a second person answers "is this label right?" by giving the label they see. Same
 * label = confirm, another = reject (the image is then flagged for review; the current label is
 * left alone for the two to settle). Each review keeps both labels and both people, so agreement
 * can be computed without reading history.
 */
import { requireClass, shownName } from './classes.ts';
import type { Statements } from './db.ts';
import { now } from './db.ts';
import * as grid from './grid.ts';
import { DEFAULT_TASK } from './types.ts';

export interface ReviewRow {
  imageId: number;
  task: string;
  /** The label under review, by `labeller`. */
  reviewed: string;
  /** The reviewer's label. */
  label: string;
  labeller: string;
  author: string;
  verdict: 'confirm' | 'reject';
  durationMs: number | null;
  at: string;
}

export function addReview(
  st: Statements,
  r: { imageId: number; task?: string; label: string; author: string; durationMs?: number },
): ReviewRow {
  const task = r.task ?? DEFAULT_TASK;
  const cur = st
    .get('SELECT class_id, author FROM labels WHERE image_id = ? AND task = ?')
    .get(r.imageId, task) as { class_id: number; author: string } | undefined;
  if (!cur) throw new Error(`image ${r.imageId} has no label to review`);
  const cls = requireClass(st, r.label, 'image', task);
  const verdict = cls.id === cur.class_id ? 'confirm' : 'reject';
  const at = now();
  st.get(
    `INSERT INTO reviews (image_id, task, reviewed_class_id, class_id, labeller, author, verdict, duration_ms, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(r.imageId, task, cur.class_id, cls.id, cur.author, r.author, verdict, r.durationMs ?? null, at);
  if (verdict === 'reject') grid.setNeedsReview(st, r.imageId, true);
  return listReviews(st, task).find((x) => x.imageId === r.imageId && x.at === at && x.author === r.author)!;
}

export function listReviews(st: Statements, task = DEFAULT_TASK): ReviewRow[] {
  const rows = st
    .get(
      `SELECT r.image_id AS imageId, r.task, rc.name AS reviewed, c.name AS label, r.labeller, r.author,
         r.verdict, r.duration_ms AS durationMs, r.at
       FROM reviews r JOIN classes rc ON rc.id = r.reviewed_class_id JOIN classes c ON c.id = r.class_id
       WHERE r.task = ? ORDER BY r.id`,
    )
    .all(task) as ReviewRow[];
  return rows.map((r) => ({ ...r, reviewed: shownName(r.reviewed), label: shownName(r.label) }));
}

export interface AuthorStats {
  author: string;
  /** Label events by this person (manifest imports included, under the importer's name). */
  labels: number;
  /** Mean time per label where the app measured it, else null. */
  meanMs: number | null;
  timed: number;
}

/** Labels per person and their mean annotation time (from the label history). */
export function authorStats(st: Statements, task = DEFAULT_TASK): AuthorStats[] {
  return st
    .get(
      `SELECT author, count(*) AS labels, avg(duration_ms) AS meanMs, count(duration_ms) AS timed
       FROM label_events WHERE task = ? AND class_id IS NOT NULL
       GROUP BY author ORDER BY labels DESC`,
    )
    .all(task) as AuthorStats[];
}

/** Images labelled by someone else that `author` has not reviewed yet, in id order. */
export function reviewCandidates(st: Statements, author: string, task = DEFAULT_TASK): number[] {
  return (
    st
      .get(
        `SELECT l.image_id AS id FROM labels l WHERE l.task = ? AND l.author != ?
         AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.image_id = l.image_id AND r.task = l.task AND r.author = ?)
         ORDER BY l.image_id`,
      )
      .all(task, author, author) as Array<{ id: number }>
  ).map((r) => r.id);
}

export function listAuthors(st: Statements, task = DEFAULT_TASK): string[] {
  return (
    st
      .get(
        `SELECT DISTINCT author FROM labels WHERE task = ?
         UNION SELECT DISTINCT author FROM masks ORDER BY author`,
      )
      .all(task) as Array<{ author: string }>
  ).map((r) => r.author);
}
