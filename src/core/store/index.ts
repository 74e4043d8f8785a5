import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { seedClasses } from './classes.ts';
import { now, openDb, Statements } from './db.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { cleanStaleTemp, DIR_MODE, tightenProject } from './private-files.ts';
import { Project } from './project.ts';
import {
  type CreateProjectOptions,
  IMAGES_DIR,
  type OpenProjectOptions,
  PROJECT_DB,
  ProjectError,
  type ProjectStore,
} from './types.ts';

export { pngSize } from './masks.ts';
export { TMP_DIR } from './private-files.ts';
export * from './types.ts';

/** True when DIR holds a project database. */
export function isProject(dir: string): boolean {
  return existsSync(path.join(dir, PROJECT_DB));
}

/** Creates a new project in DIR (created if absent; must not already hold a project). */
export function createProject(dir: string, opts: CreateProjectOptions = {}): ProjectStore {
  const abs = path.resolve(dir);
  if (isProject(abs)) throw new ProjectError(abs, 'already holds a project');
  if (existsSync(abs) && !statSync(abs).isDirectory())
    throw new ProjectError(abs, 'exists and is not a folder');
  mkdirSync(abs, { recursive: true, mode: DIR_MODE });
  mkdirSync(path.join(abs, IMAGES_DIR), { recursive: true, mode: DIR_MODE });
  tightenProject(abs);
  const db = openDb(path.join(abs, PROJECT_DB));
  try {
    migrate(db, MIGRATIONS, path.join(abs, PROJECT_DB));
    // Seeding is one transaction: a kill here leaves no project row, and open reports that.
    db.transaction(() => {
      const st = new Statements(db);
      st.get('INSERT INTO project (id, name, created_at) VALUES (1, ?, ?)').run(
        opts.name ?? path.basename(abs),
        now(),
      );
      seedClasses(st, opts.classes ?? [], opts.maskClasses ?? []);
    })();
  } finally {
    db.close();
  }
  return openProject(abs);
}

/**
 * Opens DIR, applies pending migrations and runs the quick check (throws ProjectError). The
 * check is bounded in the project's size; the full one is `store.integrityCheck()` (doctor).
 */
export function openProject(dir: string, opts: OpenProjectOptions = {}): ProjectStore {
  const abs = path.resolve(dir);
  if (!isProject(abs)) {
    const why = existsSync(abs)
      ? `is not an SPCXR project (no ${PROJECT_DB}; run 'spcxr init ${dir}')`
      : 'does not exist';
    throw new ProjectError(abs, why);
  }
  let db: ReturnType<typeof openDb>;
  try {
    db = openDb(path.join(abs, PROJECT_DB), { readonly: opts.readonly, fileMustExist: true });
  } catch (e) {
    throw new ProjectError(abs, `cannot open ${PROJECT_DB}: ${(e as Error).message}`);
  }
  try {
    if (!opts.readonly) {
      tightenProject(abs);
      cleanStaleTemp(abs);
    }
    const schemaVersion = opts.readonly
      ? (db.pragma('user_version', { simple: true }) as number)
      : migrate(db, MIGRATIONS, path.join(abs, PROJECT_DB));
    const row = db.prepare('SELECT name, created_at FROM project WHERE id = 1').get() as
      | { name: string; created_at: string }
      | undefined;
    if (!row)
      throw new Error('project row missing (creation was interrupted); delete the folder and init again');
    const project = new Project(abs, db, {
      dir: abs,
      name: row.name,
      createdAt: row.created_at,
      schemaVersion,
    });
    if (!opts.skipIntegrityCheck) {
      const report = project.quickCheck();
      project.openReport = report;
      if (!report.ok) {
        project.close();
        const first = report.errors.slice(0, 3).map((p) => p.message);
        const more = report.errors.length > 3 ? ` (+${report.errors.length - 3} more)` : '';
        throw new ProjectError(abs, `integrity check failed: ${first.join('; ')}${more}`, report);
      }
    }
    return project;
  } catch (e) {
    if (db.open) db.close();
    if (e instanceof ProjectError) throw e;
    throw new ProjectError(abs, (e as Error).message);
  }
}

/** Where a managed copy lives, relative to the project folder: images/ab/<sha256>.<ext>. */
export function managedPath(sha256: string, ext: string): string {
  return path.join(IMAGES_DIR, sha256.slice(0, 2), `${sha256}${ext.startsWith('.') ? ext : `.${ext}`}`);
}
