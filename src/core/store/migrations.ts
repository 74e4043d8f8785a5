import type Database from 'better-sqlite3';

/**
 * Versioned schema. Migration i brings `PRAGMA user_version` from i to i+1; each runs in one
 * transaction together with the version bump, so a kill during a migration leaves the old
 * version intact. Never edit a released migration: append a new one.
 */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE project (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    original_path TEXT NOT NULL,
    stored_path TEXT,
    format TEXT NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    bits INTEGER NOT NULL,
    file_size INTEGER NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    patient_id TEXT,
    source TEXT,
    split TEXT CHECK (split IN ('train', 'val', 'test')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'excluded')),
    added_at TEXT NOT NULL
  );
  CREATE INDEX images_patient ON images(patient_id);
  CREATE INDEX images_source ON images(source);

  CREATE TABLE thumbnails (
    image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    data BLOB NOT NULL
  );

  CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('image', 'mask')),
    task TEXT NOT NULL,
    color TEXT,
    position INTEGER NOT NULL,
    UNIQUE (kind, task, name)
  );

  CREATE TABLE labels (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    class_id INTEGER NOT NULL REFERENCES classes(id),
    author TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('human', 'accepted_suggestion', 'import')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (image_id, task)
  );
  CREATE INDEX labels_class ON labels(class_id);
  CREATE TABLE label_events (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    class_id INTEGER REFERENCES classes(id),
    prev_class_id INTEGER REFERENCES classes(id),
    author TEXT NOT NULL,
    source TEXT NOT NULL,
    duration_ms INTEGER,
    at TEXT NOT NULL
  );
  CREATE INDEX label_events_image ON label_events(image_id, task);

  CREATE TABLE masks (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes(id),
    png BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    author TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('human', 'accepted_suggestion', 'import')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (image_id, class_id)
  );
  CREATE TABLE mask_events (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes(id),
    png BLOB,
    author TEXT NOT NULL,
    source TEXT NOT NULL,
    duration_ms INTEGER,
    at TEXT NOT NULL
  );
  CREATE INDEX mask_events_image ON mask_events(image_id, class_id);

  CREATE TABLE training_runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
    config TEXT NOT NULL DEFAULT '{}',
    metrics TEXT NOT NULL DEFAULT '{}',
    timings TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('classify', 'segment')),
    head TEXT NOT NULL,
    encoder_id TEXT NOT NULL,
    task TEXT NOT NULL,
    config TEXT NOT NULL DEFAULT '{}',
    metrics TEXT NOT NULL DEFAULT '{}',
    history TEXT NOT NULL DEFAULT '[]',
    weights BLOB,
    weights_path TEXT,
    run_id INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE predictions (
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    probs TEXT,
    mask BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (model_id, image_id)
  );
  CREATE INDEX predictions_image ON predictions(image_id);

  CREATE TABLE al_state (
    image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    served_count INTEGER NOT NULL DEFAULT 0,
    skipped_count INTEGER NOT NULL DEFAULT 0,
    last_served_at TEXT,
    last_skipped_at TEXT
  );
  `,
  // Class management: a removed or merged class is hidden, never deleted (label and mask events
  // keep pointing at it), and every change of the schema is an event that can be undone.
  `
  ALTER TABLE classes ADD COLUMN removed_at TEXT;
  CREATE TABLE class_events (
    id INTEGER PRIMARY KEY,
    op TEXT NOT NULL CHECK (op IN ('add', 'rename', 'merge', 'remove', 'undo')),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    target_id INTEGER REFERENCES classes(id),
    detail TEXT NOT NULL DEFAULT '{}',
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    undone_by INTEGER REFERENCES class_events(id)
  );
  `,
  // Typed project state (was untyped settings and JSON keys): the review flag becomes a column,
  // each task gets its own active model (0.2.0 shared one between classifier and segmenter),
  // models can be archived, and a classifier's recorded validation ids move into its config.
  `
  ALTER TABLE images ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1));
  UPDATE images SET needs_review = 1 WHERE json_extract(meta, '$.needsReview') = 1;
  UPDATE images SET meta = json_remove(meta, '$.needsReview') WHERE json_type(meta, '$.needsReview') IS NOT NULL;

  CREATE TABLE active_models (
    kind TEXT PRIMARY KEY CHECK (kind IN ('classify', 'segment')),
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE
  );
  INSERT INTO active_models (kind, model_id)
    SELECT m.kind, m.id FROM settings s JOIN models m ON m.id = CAST(s.value AS INTEGER)
    WHERE s.key = 'api.activeModelId';
  DELETE FROM settings WHERE key = 'api.activeModelId';

  ALTER TABLE models ADD COLUMN archived_at TEXT;

  UPDATE models SET config = json_set(config, '$.valImageIds', json(s.value))
    FROM settings s WHERE s.key = 'api.modelVal.' || models.id AND json_valid(s.value);
  DELETE FROM settings WHERE key LIKE 'api.modelVal.%';
  `,
];

/** Feature-cache database (DIR/cache/features.sqlite): one table, its own versioning. */
export const FEATURE_MIGRATIONS: string[] = [
  `
  CREATE TABLE features (
    image_id INTEGER NOT NULL,
    encoder_id TEXT NOT NULL,
    layer TEXT NOT NULL,
    view INTEGER NOT NULL DEFAULT 0,
    dtype TEXT NOT NULL CHECK (dtype IN ('float32', 'float16')),
    shape TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (encoder_id, layer, view, image_id)
  );
  CREATE INDEX features_image ON features(image_id);
  `,
];

/** Applies pending migrations; refuses a database written by a newer version of the app. */
export function migrate(db: Database.Database, migrations: string[], what: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `${what} has schema version ${current}, newer than this app supports (${migrations.length}); update SPCXR Studio`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return migrations.length;
}
