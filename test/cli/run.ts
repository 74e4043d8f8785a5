import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(REPO, '../shared/data');
export const BIN = path.join(REPO, 'bin/spcxr.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The single JSON object on stdout (throws when stdout is not exactly one JSON line). */
  json: () => Record<string, unknown>;
}

/** Runs the real CLI in a child process, as a user would. */
export function cli(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO, timeout: 110_000 });
  if (r.error) throw r.error;
  return {
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
    json: () => {
      const lines = r.stdout.split('\n').filter((l) => l.length > 0);
      if (lines.length !== 1)
        throw new Error(`expected one JSON line on stdout, got ${lines.length}:\n${r.stdout}`);
      return JSON.parse(lines[0]);
    },
  };
}
