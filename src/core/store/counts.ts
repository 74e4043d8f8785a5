import type { Statements } from './db.ts';
import type { ClassCount, ImageStatus, ProjectCounts } from './types.ts';

function tally(rows: Array<{ k: string | null; n: number }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.k ?? '(none)'] = r.n;
  return out;
}

export function counts(st: Statements): ProjectCounts {
  const images = (st.get('SELECT count(*) AS n FROM images').get() as { n: number }).n;
  const byStatus = {
    active: 0,
    excluded: 0,
    ...tally(st.get('SELECT status AS k, count(*) AS n FROM images GROUP BY status').all() as never),
  } as Record<ImageStatus, number>;
  const bySource = tally(
    st.get('SELECT source AS k, count(*) AS n FROM images GROUP BY source').all() as never,
  );
  const bySplit = tally(st.get('SELECT split AS k, count(*) AS n FROM images GROUP BY split').all() as never);
  // Every class of every task, zero counts included, plus the unlabelled active images per task.
  const labels = st
    .get(
      `SELECT c.task, c.name AS label, count(i.id) AS count FROM classes c
       LEFT JOIN labels l ON l.class_id = c.id LEFT JOIN images i ON i.id = l.image_id AND i.status = 'active'
       WHERE c.kind = 'image' GROUP BY c.id ORDER BY c.task, c.position
     `,
    )
    .all() as ClassCount[];
  const tasks = st
    .get(`SELECT DISTINCT task FROM classes WHERE kind = 'image' ORDER BY task`)
    .all() as Array<{
    task: string;
  }>;
  for (const { task } of tasks) {
    const n = st
      .get(
        `SELECT count(*) AS n FROM images i WHERE i.status = 'active'
         AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.task = ?)`,
      )
      .get(task) as { n: number };
    labels.push({ task, label: null, count: n.n });
  }
  const masks = tally(
    st
      .get('SELECT c.name AS k, count(*) AS n FROM masks m JOIN classes c ON c.id = m.class_id GROUP BY c.id')
      .all() as never,
  );
  return { images, byStatus, bySource, bySplit, labels, masks };
}
