import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** Folder under the project where exports may be written; everything else in it is the project. */
export const EXPORTS_DIR = 'exports';

/** An export target that would land on or inside the project's own files. */
export class UnsafeExportPathError extends Error {
  readonly code = 'unsafe_export_path';
}

/**
 * The real path `p` would have once created: the deepest existing ancestor resolved through
 * symlinks, plus the missing tail. An existing `p` that is a symlink resolves to its target, so
 * a link in exports/ pointing at project.sqlite is judged as project.sqlite.
 */
export function realTarget(p: string): string {
  const abs = path.resolve(p);
  const tail: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...tail.reverse());
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const parent = path.dirname(cur);
      // A dangling symlink would be created through on write: judge where it points.
      if (code === 'ENOENT' && isSymlink(cur)) throw new UnsafeExportPathError(`${p}: is a dangling symlink`);
      if (code !== 'ENOENT' || parent === cur) throw e;
      tail.push(path.basename(cur));
      cur = parent;
    }
  }
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

const within = (root: string, p: string) => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * Checks that writing `target` cannot touch the project at `projectDir`: its real path must be
 * outside the real project folder, or strictly inside its exports/ folder. Returns the real
 * target. Shared by every export (CLI and API) so no format can overwrite the live database.
 */
export function assertSafeExportPath(projectDir: string, target: string): string {
  const project = realpathSync(projectDir);
  const real = realTarget(target);
  const exportsRoot = path.join(project, EXPORTS_DIR);
  if (within(project, real) && !within(exportsRoot, real))
    throw new UnsafeExportPathError(
      `${target}: refusing to write onto or inside the project's own files (${real}); ` +
        `write under ${exportsRoot} or outside ${project}`,
    );
  return real;
}

/**
 * Writes one export file: guard, then a fresh temp file beside it (O_EXCL, so a planted symlink
 * or an existing file is never written through), fsync, rename over the target. A killed export
 * leaves at most a `.tmp` file, never a half-written target, and a hard link to a project file
 * keeps its old content because rename replaces the name, not the inode.
 */
export function writeExportFile(projectDir: string, file: string, data: string | Uint8Array): string {
  const real = assertSafeExportPath(projectDir, file);
  const tmp = `${real}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, real);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return real;
}
