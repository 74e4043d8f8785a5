import path from 'node:path';
import { realTarget } from '../export/safe-path.ts';

/**
 * Which files a page may name. In `spcxr serve` and the desktop app, request paths come from
 * page code, which must not be able to read (import) or write (export) arbitrary files of the
 * user running the app. A path is allowed when its real path (after symlinks) is inside a
 * granted root: in serve, the project's upload folder and the `--import-root` folders; in the
 * desktop app, what the user picked in a native dialog or dropped on the window.
 */
export class PathGrants {
  private readonly roots = new Set<string>();

  constructor(roots: Iterable<string> = []) {
    for (const r of roots) this.grant(r);
  }

  /** Grants a file or folder (and everything under it); kept as its real path. */
  grant(p: string): void {
    try {
      this.roots.add(realTarget(p));
    } catch {
      // A dangling link grants nothing.
    }
  }

  allows(p: string): boolean {
    let real: string;
    try {
      real = realTarget(p);
    } catch {
      return false;
    }
    for (const r of this.roots) {
      const rel = path.relative(r, real);
      if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return true;
    }
    return false;
  }

  list(): string[] {
    return [...this.roots];
  }
}
