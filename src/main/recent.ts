/** Recently opened projects, kept in a small JSON file in the user-data folder. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecentStore } from '../core/api/service.ts';

const MAX = 10;

export class RecentProjects implements RecentStore {
  constructor(
    private readonly file: string,
    /** Also tell the OS (jump list / dock menu) when running inside Electron. */
    private readonly notifyOs?: (dir: string) => void,
  ) {}

  list(): Array<{ path: string; name: string; openedAt: string }> {
    if (!existsSync(this.file)) return [];
    try {
      const data = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      if (!Array.isArray(data)) return [];
      return data
        .filter(
          (r): r is { path: string; name: string; openedAt: string } =>
            typeof r?.path === 'string' && typeof r?.name === 'string' && typeof r?.openedAt === 'string',
        )
        .slice(0, MAX);
    } catch {
      // A corrupt list is not worth an error dialog: start a new one.
      return [];
    }
  }

  add(dir: string, name: string): void {
    const next = [
      { path: dir, name, openedAt: new Date().toISOString() },
      ...this.list().filter((r) => r.path !== dir),
    ];
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(next.slice(0, MAX), null, 2));
    renameSync(tmp, this.file);
    this.notifyOs?.(dir);
  }
}
