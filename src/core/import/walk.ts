import { closeSync, lstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImportFailure, ImportItem } from './types.ts';

const IMAGE_EXTS = new Set(['.png', '.jpg', '.jpeg', '.dcm', '.dicom', '.dic']);

/** DICOM files often have no extension: look at the magic bytes instead. */
function looksLikeImage(file: string): boolean {
  const b = Buffer.alloc(132);
  let n = 0;
  const fd = openSync(file, 'r');
  try {
    n = readSync(fd, b, 0, 132, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 132 && b.toString('latin1', 128, 132) === 'DICM') return true;
  if (n >= 4 && b[0] === 0x89 && b.toString('latin1', 1, 4) === 'PNG') return true;
  if (n >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true;
  // Part 10 without preamble starts with a group 0x0002 or 0x0008 tag.
  return n >= 4 && (b[0] === 0x02 || b[0] === 0x08) && b[1] === 0x00 && b[3] === 0x00;
}

export interface Expanded {
  items: ImportItem[];
  skipped: ImportFailure[];
  failed: ImportFailure[];
}

/**
 * Expands command-line paths. A file named explicitly is always attempted (and fails loudly
 * if it is not an image). Inside folders, files with an image extension and extensionless
 * files with image magic are taken; anything else is listed as skipped, never dropped
 * silently. Unreadable entries (dangling links, FIFOs, sockets) are failures.
 */
export function expandPaths(paths: string[]): Expanded {
  const out: Expanded = { items: [], skipped: [], failed: [] };
  // Folders already walked, by device and inode (what symlinks resolve to): `ln -s . x` twice
  // would otherwise fan out 2^depth times.
  const seenDirs = new Set<string>();
  const visit = (p: string, explicit: boolean, depth: number) => {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const dangling = code === 'ENOENT' && lstatSafe(p)?.isSymbolicLink();
      out.failed.push({ file: p, reason: dangling ? 'broken symbolic link' : `cannot access (${code})` });
      return;
    }
    if (st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seenDirs.has(key)) {
        out.skipped.push({ file: p, reason: 'folder already imported through another path (symlink loop?)' });
        return;
      }
      seenDirs.add(key);
      if (depth > 64) {
        out.failed.push({ file: p, reason: 'folder nesting deeper than 64 (symlink loop?)' });
        return;
      }
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch (e) {
        out.failed.push({ file: p, reason: `cannot list folder (${(e as NodeJS.ErrnoException).code})` });
        return;
      }
      for (const n of names) if (!n.startsWith('.')) visit(path.join(p, n), false, depth + 1);
      return;
    }
    if (!st.isFile()) {
      out.failed.push({ file: p, reason: 'not a regular file (FIFO, socket or device)' });
      return;
    }
    const ext = path.extname(p).toLowerCase();
    if (explicit || IMAGE_EXTS.has(ext)) out.items.push({ file: p });
    else if (ext === '' && st.size > 0 && looksLikeImage(p)) out.items.push({ file: p });
    else out.skipped.push({ file: p, reason: `not an image file (${ext || 'no extension'})` });
  };
  for (const p of paths) visit(path.resolve(p), true, 0);
  return out;
}

function lstatSafe(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}
