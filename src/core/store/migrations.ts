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
  // Grid state as real columns, so that the image list filters, sorts and pages in SQL on
  // indexes instead of reading every row, and counters that triggers keep in the same
  // transaction as the write that changes them (a label write no longer counts the project).
  // `label_class_id`/`label_source` mirror the default task's current label; `confidence` is the
  // top probability of the grid model's prediction (settings key 'grid.modelId'); `al_score` is
  // the last suggestion pass's score. The review flag moves out of `meta` into `needs_review`.
  `
  ALTER TABLE images ADD COLUMN needs_review INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE images ADD COLUMN label_class_id INTEGER;
  ALTER TABLE images ADD COLUMN label_source TEXT;
  ALTER TABLE images ADD COLUMN mask_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE images ADD COLUMN confidence REAL;
  ALTER TABLE images ADD COLUMN al_score REAL;
  ALTER TABLE images ADD COLUMN name TEXT GENERATED ALWAYS AS (
    substr(replace(original_path, '\\', '/'),
      length(rtrim(replace(original_path, '\\', '/'), replace(replace(original_path, '\\', '/'), '/', ''))) + 1)
  ) VIRTUAL;
  ALTER TABLE images ADD COLUMN grid_state TEXT GENERATED ALWAYS AS (
    CASE WHEN needs_review THEN 'needs-review' WHEN label_class_id IS NOT NULL THEN 'labelled'
      WHEN confidence IS NOT NULL THEN 'suggested' ELSE 'unlabelled' END
  ) VIRTUAL;

  UPDATE images SET needs_review = 1, meta = json_remove(meta, '$.needsReview')
    WHERE json_valid(meta) AND json_extract(meta, '$.needsReview') = 1;
  UPDATE images SET label_class_id = l.class_id, label_source = l.source
    FROM labels l WHERE l.image_id = images.id AND l.task = 'default';
  UPDATE images SET mask_count = (SELECT count(*) FROM masks m WHERE m.image_id = images.id);
  UPDATE images SET al_score = (
    SELECT json_extract(s.value, '$."' || images.id || '"') FROM settings s WHERE s.key = 'api.alScores'
  );
  DELETE FROM settings WHERE key = 'api.alScores';

  -- Every grid sort starts with status (the grid lists active images); ids break ties.
  CREATE INDEX images_grid_status ON images(status);
  CREATE INDEX images_grid_id ON images(status, grid_state, id);
  CREATE INDEX images_grid_label ON images(status, label_class_id, id);
  CREATE INDEX images_grid_name ON images(status, name COLLATE NOCASE, id);
  CREATE INDEX images_grid_score ON images(status, label_class_id IS NOT NULL, al_score IS NULL, al_score DESC, id);
  CREATE INDEX images_grid_confidence ON images(status, confidence IS NULL, confidence, id);

  CREATE TABLE image_counts (
    dim TEXT NOT NULL,
    val TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (dim, val)
  ) WITHOUT ROWID;
  INSERT INTO image_counts SELECT 'status', status, count(*) FROM images GROUP BY status;
  INSERT INTO image_counts SELECT 'source', ifnull(source, '(none)'), count(*) FROM images GROUP BY 2;
  INSERT INTO image_counts SELECT 'split', ifnull(split, '(none)'), count(*) FROM images GROUP BY 2;
  INSERT INTO image_counts SELECT 'state', grid_state, count(*) FROM images WHERE status = 'active' GROUP BY 2;
  INSERT INTO image_counts SELECT 'class', label_class_id, count(*) FROM images
    WHERE status = 'active' AND label_class_id IS NOT NULL GROUP BY 2;
  INSERT INTO image_counts SELECT 'mask', class_id, count(*) FROM masks GROUP BY 2;

  CREATE TRIGGER labels_grid_insert AFTER INSERT ON labels WHEN NEW.task = 'default' BEGIN
    UPDATE images SET label_class_id = NEW.class_id, label_source = NEW.source WHERE id = NEW.image_id;
  END;
  CREATE TRIGGER labels_grid_update AFTER UPDATE ON labels WHEN NEW.task = 'default' BEGIN
    UPDATE images SET label_class_id = NEW.class_id, label_source = NEW.source WHERE id = NEW.image_id;
  END;
  CREATE TRIGGER labels_grid_delete AFTER DELETE ON labels WHEN OLD.task = 'default' BEGIN
    UPDATE images SET label_class_id = NULL, label_source = NULL WHERE id = OLD.image_id;
  END;

  CREATE TRIGGER masks_grid_insert AFTER INSERT ON masks BEGIN
    UPDATE images SET mask_count = mask_count + 1 WHERE id = NEW.image_id;
    INSERT INTO image_counts VALUES ('mask', NEW.class_id, 1) ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER masks_grid_delete AFTER DELETE ON masks BEGIN
    UPDATE images SET mask_count = mask_count - 1 WHERE id = OLD.image_id;
    UPDATE image_counts SET n = n - 1 WHERE dim = 'mask' AND val = OLD.class_id;
  END;

  CREATE TRIGGER predictions_grid_insert AFTER INSERT ON predictions
  WHEN NEW.model_id = (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'grid.modelId') BEGIN
    UPDATE images SET confidence = (SELECT max(value) FROM json_each(NEW.probs)) WHERE id = NEW.image_id;
  END;
  CREATE TRIGGER predictions_grid_update AFTER UPDATE ON predictions
  WHEN NEW.model_id = (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'grid.modelId') BEGIN
    UPDATE images SET confidence = (SELECT max(value) FROM json_each(NEW.probs)) WHERE id = NEW.image_id;
  END;
  CREATE TRIGGER predictions_grid_delete AFTER DELETE ON predictions
  WHEN OLD.model_id = (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'grid.modelId') BEGIN
    UPDATE images SET confidence = NULL WHERE id = OLD.image_id;
  END;

  CREATE TRIGGER images_counts_insert AFTER INSERT ON images BEGIN
    INSERT INTO image_counts VALUES ('status', NEW.status, 1), ('source', ifnull(NEW.source, '(none)'), 1),
      ('split', ifnull(NEW.split, '(none)'), 1) ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO image_counts SELECT 'state', NEW.grid_state, 1 WHERE NEW.status = 'active'
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO image_counts SELECT 'class', NEW.label_class_id, 1
      WHERE NEW.status = 'active' AND NEW.label_class_id IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER images_counts_delete AFTER DELETE ON images BEGIN
    UPDATE image_counts SET n = n - 1 WHERE (dim = 'status' AND val = OLD.status)
      OR (dim = 'source' AND val = ifnull(OLD.source, '(none)')) OR (dim = 'split' AND val = ifnull(OLD.split, '(none)'))
      OR (OLD.status = 'active' AND dim = 'state' AND val = OLD.grid_state)
      OR (OLD.status = 'active' AND dim = 'class' AND val = OLD.label_class_id);
  END;
  CREATE TRIGGER images_counts_update AFTER UPDATE OF status, source, split, needs_review, label_class_id, confidence
  ON images WHEN OLD.status IS NOT NEW.status OR OLD.source IS NOT NEW.source OR OLD.split IS NOT NEW.split
    OR OLD.grid_state IS NOT NEW.grid_state OR OLD.label_class_id IS NOT NEW.label_class_id BEGIN
    UPDATE image_counts SET n = n - 1 WHERE (dim = 'status' AND val = OLD.status)
      OR (dim = 'source' AND val = ifnull(OLD.source, '(none)')) OR (dim = 'split' AND val = ifnull(OLD.split, '(none)'))
      OR (OLD.status = 'active' AND dim = 'state' AND val = OLD.grid_state)
      OR (OLD.status = 'active' AND dim = 'class' AND val = OLD.label_class_id);
    INSERT INTO image_counts VALUES ('status', NEW.status, 1), ('source', ifnull(NEW.source, '(none)'), 1),
      ('split', ifnull(NEW.split, '(none)'), 1) ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO image_counts SELECT 'state', NEW.grid_state, 1 WHERE NEW.status = 'active'
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO image_counts SELECT 'class', NEW.label_class_id, 1
      WHERE NEW.status = 'active' AND NEW.label_class_id IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  `,
  // Score and confidence orders as all-ascending, never-null keys, so that keyset paging is one
  // row-value comparison the index can seek to (a NULL key or a mixed direction cannot).
  `
  DROP INDEX images_grid_score;
  DROP INDEX images_grid_confidence;
  CREATE INDEX images_grid_score ON images(status, label_class_id IS NOT NULL, al_score IS NULL, ifnull(-al_score, 0), id);
  CREATE INDEX images_grid_confidence ON images(status, confidence IS NULL, ifnull(confidence, 0), id);
  `,
  // Typed project state (was untyped settings): each task gets its own active model (0.2.0
  // shared one between classifier and segmenter), models can be archived, and a classifier's
  // recorded validation ids move into its config.
  `
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
  // Review: a second person's answer on an image label, kept apart from the label itself (the
  // current label stays the first annotator's); agreement (Cohen's kappa) is computed from it.
  `
  CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    task TEXT NOT NULL,
    reviewed_class_id INTEGER NOT NULL REFERENCES classes(id),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    labeller TEXT NOT NULL,
    author TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('confirm', 'reject')),
    duration_ms INTEGER,
    at TEXT NOT NULL
  );
  CREATE INDEX reviews_image ON reviews(image_id, task);
  `,
  // The source filter pages in id order without sorting every image of that source.
  `
  CREATE INDEX images_grid_source ON images(status, source, id);
  `,
  // A segmenter's prediction also keeps its per-pixel uncertainty (binary entropy as a gray PNG
  // at the image's size, for the overlay) and its summary (JSON MaskStats, for ranking), so the
  // active-learning pass and the viewer read them instead of running the decoder again.
  `
  ALTER TABLE predictions ADD COLUMN uncertainty BLOB;
  ALTER TABLE predictions ADD COLUMN mask_stats TEXT;
  `,
  // The grid's author filter and the list of authors read these instead of scanning labels and masks.
  `
  CREATE INDEX labels_author ON labels(task, author, image_id);
  CREATE INDEX masks_author ON masks(author, image_id);
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
  // A version that moves with every write to the cache: a process that keeps feature matrices
  // in memory (the ML worker, core/active/resident.ts) knows in one read when they are stale.
  `
  CREATE TABLE feature_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
  INSERT INTO feature_version (id, version) VALUES (1, 0);
  CREATE TRIGGER features_version_insert AFTER INSERT ON features
    BEGIN UPDATE feature_version SET version = version + 1; END;
  CREATE TRIGGER features_version_update AFTER UPDATE ON features
    BEGIN UPDATE feature_version SET version = version + 1; END;
  CREATE TRIGGER features_version_delete AFTER DELETE ON features
    BEGIN UPDATE feature_version SET version = version + 1; END;
  `,
  // A random name for this cache: the worker's resident matrix file (store/resident-file.ts)
  // records it, so a file left by a deleted and rebuilt cache, or copied from another project,
  // is told apart from this cache's even when their versions happen to be equal.
  `
  CREATE TABLE feature_cache_id (id INTEGER PRIMARY KEY CHECK (id = 1), uuid TEXT NOT NULL);
  INSERT INTO feature_cache_id (id, uuid) VALUES (1, lower(hex(randomblob(16))));
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
