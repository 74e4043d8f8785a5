import { realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Browser uploads (`spcxr serve` drag and drop) are staged in `<project>/.incoming/<uuid>/`
 * because a browser never reveals a file's path. They are always imported as copies and
 * deleted once the import has run, so a project never stores every patient image twice.
 */
export const INCOMING_DIR = '.incoming';

/** The upload folder (`.incoming/<uuid>`) holding `p`, or null when `p` is not an upload. */
export function uploadFolder(projectDir: string, p: string): string | null {
  let root: string;
  let real: string;
  try {
    root = realpathSync(path.join(projectDir, INCOMING_DIR));
    real = realpathSync(p);
  } catch {
    return null;
  }
  const rel = path.relative(root, real);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return path.join(root, rel.split(path.sep)[0]);
}

/** Deletes the upload folders of the given paths (imported, duplicate or refused alike). */
export function releaseUploads(projectDir: string, paths: string[]): number {
  const folders = new Set(paths.map((p) => uploadFolder(projectDir, p)).filter((f) => f !== null));
  for (const f of folders) rmSync(f, { recursive: true, force: true });
  return folders.size;
}
