import type { Statements } from './db.ts';
import { now } from './db.ts';
import type { AlState } from './types.ts';

export function markServed(st: Statements, imageId: number): void {
  st.get(
    `INSERT INTO al_state (image_id, served_count, last_served_at) VALUES (?, 1, ?)
     ON CONFLICT (image_id) DO UPDATE SET served_count = served_count + 1, last_served_at = excluded.last_served_at`,
  ).run(imageId, now());
}

export function markSkipped(st: Statements, imageId: number): void {
  st.get(
    `INSERT INTO al_state (image_id, skipped_count, last_skipped_at) VALUES (?, 1, ?)
     ON CONFLICT (image_id) DO UPDATE SET skipped_count = skipped_count + 1,
       last_skipped_at = excluded.last_skipped_at`,
  ).run(imageId, now());
}

export function getAlState(st: Statements, imageIds?: number[]): AlState[] {
  const sql = `SELECT image_id AS imageId, served_count AS servedCount, skipped_count AS skippedCount,
    last_served_at AS lastServedAt, last_skipped_at AS lastSkippedAt FROM al_state`;
  return (
    imageIds
      ? st
          .get(`${sql} WHERE image_id IN (SELECT value FROM json_each(?)) ORDER BY image_id`)
          .all(JSON.stringify(imageIds))
      : st.get(`${sql} ORDER BY image_id`).all()
  ) as AlState[];
}
