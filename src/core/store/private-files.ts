import { chmodSync, closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Project files hold patient images: folders are created 0700 and files 0600, whatever the
 * umask, and an existing project is tightened when opened for writing. Every entry point also
 * sets umask 077 (core/private-umask.ts) for files written by libraries (SQLite's WAL, sharp).
 */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** Scratch folder for files being written (a copy in flight); emptied of dead writers' files at open. */
export const TMP_DIR = '.tmp';

/** Creates an SQLite file 0600 before SQLite opens it (its WAL and SHM take the same mode). */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', FILE_MODE));
  else chmodQuiet(file, FILE_MODE);
}

export function chmodQuiet(p: string, mode: number): void {
  try {
    chmodSync(p, mode);
  } catch {
    // Not ours (read-only mount, another owner): opening must not fail over it.
  }
}

/** The project folder and its top-level entries (the database, cache/, images/) made private. */
export function tightenProject(dir: string): void {
  chmodQuiet(dir, DIR_MODE);
  for (const e of readdirSync(dir, { withFileTypes: true }))
    chmodQuiet(path.join(dir, e.name), e.isDirectory() ? DIR_MODE : FILE_MODE);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes temp files whose writer is gone (`<name>.<pid>.tmp`, the pid dead), or that are a day
 * old: left by a kill -9 or a full disk, they are never reused. Returns how many were removed.
 */
export function cleanStaleTemp(dir: string): number {
  const tmp = path.join(dir, TMP_DIR);
  if (!existsSync(tmp)) return 0;
  let removed = 0;
  for (const name of readdirSync(tmp)) {
    const f = path.join(tmp, name);
    const pid = Number(/\.(\d+)\.tmp$/.exec(name)?.[1]);
    let stale = !(pid > 0) || !alive(pid);
    if (!stale) {
      try {
        stale = Date.now() - statSync(f).mtimeMs > 86_400_000;
      } catch {
        continue;
      }
    }
    if (stale) {
      rmSync(f, { force: true, recursive: true });
      removed++;
    }
  }
  return removed;
}
