import { mkdirSync } from 'node:fs';
import { assertSafeExportPath, writeExportFile } from '../export/safe-path.ts';
import type { ProjectStore } from '../store/types.ts';

/**
 * Every interop export writes through the project's safe-path guard: folders and files are
 * checked not to land on the project's own files, and files are written temp + fsync + rename.
 */
export function exportWriter(store: ProjectStore) {
  return {
    mkdir(dir: string): void {
      assertSafeExportPath(store.dir, dir);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    },
    write(file: string, data: string | Uint8Array): string {
      return writeExportFile(store.dir, file, data);
    },
  };
}
