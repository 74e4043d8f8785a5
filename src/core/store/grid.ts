/**
 * Grid state kept in columns of `images` and in `image_counts` (see migration 2): the triggers
 * there keep both current on every label, mask, prediction and image write, in the writer's
 * own transaction. This file holds the few writes that have no natural trigger (the review
 * flag, AL scores, which model the grid shows) and the O(1) counts.
 */
import { NotFoundError } from '../errors.ts';
import type { Statements } from './db.ts';
import type { GridCounts, GridState } from './types.ts';

const GRID_MODEL_KEY = 'grid.modelId';

export function gridModelId(st: Statements): number | null {
  const r = st.get('SELECT value FROM settings WHERE key = ?').get(GRID_MODEL_KEY) as
    | { value: string }
    | undefined;
  return r ? (JSON.parse(r.value) as number | null) : null;
}

/** Recomputes confidence from `modelId`'s predictions (one pass) unless it already is the grid model. */
export function setGridModel(st: Statements, modelId: number | null): void {
  const has = st.get('SELECT 1 FROM settings WHERE key = ?').get(GRID_MODEL_KEY) !== undefined;
  if (has && gridModelId(st) === modelId) return;
  st.get('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
    GRID_MODEL_KEY,
    JSON.stringify(modelId),
  );
  st.get('UPDATE images SET confidence = NULL WHERE confidence IS NOT NULL').run();
  if (modelId === null) return;
  st.get(
    `UPDATE images SET confidence = p.c FROM (
       SELECT image_id, (SELECT max(value) FROM json_each(probs)) AS c FROM predictions
       WHERE model_id = ? AND probs IS NOT NULL
     ) p WHERE p.image_id = images.id`,
  ).run(modelId);
}

export function setAlScores(st: Statements, scores: Array<{ imageId: number; score: number }>): void {
  st.get('UPDATE images SET al_score = NULL WHERE al_score IS NOT NULL').run();
  const set = st.get('UPDATE images SET al_score = ? WHERE id = ?');
  for (const s of scores) set.run(s.score, s.imageId);
}

export function setNeedsReview(st: Statements, imageId: number, flag: boolean): boolean {
  const r = st.get('SELECT needs_review FROM images WHERE id = ?').get(imageId) as
    | { needs_review: number }
    | undefined;
  if (!r) throw new NotFoundError(`no image with id ${imageId}`);
  if ((r.needs_review === 1) === flag) return false;
  st.get('UPDATE images SET needs_review = ? WHERE id = ?').run(flag ? 1 : 0, imageId);
  return true;
}

export function gridCounts(st: Statements): GridCounts {
  const rows = st.get('SELECT dim, val, n FROM image_counts WHERE n != 0').all() as Array<{
    dim: string;
    val: string;
    n: number;
  }>;
  const out: GridCounts = {
    images: 0,
    byState: { unlabelled: 0, labelled: 0, suggested: 0, 'needs-review': 0 },
    byClassId: {},
    bySource: {},
    masks: 0,
    masksByClassId: {},
  };
  for (const r of rows) {
    if (r.dim === 'status' && r.val === 'active') out.images = r.n;
    else if (r.dim === 'state') out.byState[r.val as GridState] = r.n;
    else if (r.dim === 'class') out.byClassId[Number(r.val)] = r.n;
    else if (r.dim === 'source') out.bySource[r.val] = r.n;
    else if (r.dim === 'mask') {
      out.masks += r.n;
      out.masksByClassId[Number(r.val)] = r.n;
    }
  }
  return out;
}

/** Count of `dim = val` from the counters, for page totals that need no scan. */
export function counter(st: Statements, dim: string, val: string | number): number {
  const r = st.get('SELECT n FROM image_counts WHERE dim = ? AND val = ?').get(dim, String(val)) as
    | { n: number }
    | undefined;
  return r?.n ?? 0;
}
