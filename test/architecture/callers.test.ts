/**
 * Every request of the contract has a caller in a shell: a request nobody sends is either wired
 * up or removed, never left as untested surface. Static: a shell calls a request by its literal
 * name (`api.invoke('models.list', …)`), so the scan looks for the quoted name in shell sources.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { requestSchemas } from '../../src/core/api/schemas.ts';

const SRC = path.resolve(fileURLToPath(new URL('../../src', import.meta.url)));
const SHELLS = ['renderer', 'main', 'preload', 'server', 'cli', 'worker'];
/**
 * Requests whose shell side is being built now; each entry must go when its caller lands (the
 * test says so).
 */
const AWAITING_CALLER: string[] = [];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.(ts|svelte)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [p] : [];
  });
}

it('every request in requestSchemas is sent by some shell', () => {
  const text = SHELLS.flatMap((s) => sources(path.join(SRC, s)))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const uncalled = Object.keys(requestSchemas).filter((name) => !text.includes(`'${name}'`));
  expect(uncalled.filter((n) => !AWAITING_CALLER.includes(n))).toEqual([]);
  // An entry whose request now has a caller (or is gone) leaves the list.
  expect(AWAITING_CALLER.filter((n) => !uncalled.includes(n))).toEqual([]);
});
