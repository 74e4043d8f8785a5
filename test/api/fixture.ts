/** A fresh copy of the bundled sample as a project, built with the real CLI (init + import). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const spcxrBin = path.join(repoRoot, 'bin/spcxr.mjs');

export function cli(args: string[]): string {
  return execFileSync(process.execPath, [spcxrBin, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: 'pipe',
  });
}

export function sampleProject(): { dir: string; root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-api-'));
  const dir = path.join(root, 'project');
  cli(['init', dir, '--classes', 'normal,pneumonia']);
  cli(['import', dir, '--manifest', path.join(repoRoot, 'sample/manifest.csv'), '--json']);
  return { dir, root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Collects events of one kind until a predicate matches. */
export function waitFor<T>(
  subscribe: (cb: (p: T) => void) => () => void,
  pred: (p: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((p) => {
      if (pred(p)) {
        off();
        resolve(p);
      }
    });
  });
}
