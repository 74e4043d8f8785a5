/**
 * `npx spcxr serve` as the README starts it: npm → sh → node. Killing the process the user sees
 * (npm's) with SIGTERM or SIGHUP, or pressing Ctrl-C (SIGINT to the process group), must stop the
 * server and its ML worker and free the port.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../src/core/api/client.ts';
import { cli, REPO } from './run.ts';

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-signals-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Every live descendant of pid (Linux /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // exited while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0); it holds nothing.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return pred();
}

describe.skipIf(process.platform !== 'linux')('signals to `npx spcxr serve`', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} stops the server and its worker and frees the port`, async () => {
      const dir = path.join(tmp, signal);
      expect(cli('init', dir, '--classes', 'normal,pneumonia').code).toBe(0);
      const npx = spawn(
        'npx',
        ['spcxr', 'serve', dir, '--port', '0', '--json', '--import-root', path.join(REPO, 'sample')],
        {
          cwd: REPO,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        },
      );
      let stderr = '';
      npx.stderr.on('data', (d) => {
        stderr += d;
      });
      try {
        let out = '';
        const line = await new Promise<string>((resolve, reject) => {
          npx.stdout.on('data', (d) => {
            out += d;
            if (out.includes('\n')) resolve(out.split('\n')[0]);
          });
          npx.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
        });
        // serve --json: its one JSON object carries the URL.
        const { url, port, ok } = JSON.parse(line) as { url: string; port: number; ok: boolean };
        expect(ok).toBe(true);
        const u = new URL(url);
        const client = createHttpClient({ baseUrl: u.origin, token: u.searchParams.get('token')! });
        // A job starts the ML worker process.
        const sample = path.join(REPO, 'sample/images', readdirSync(path.join(REPO, 'sample/images'))[0]);
        const { jobId } = await client.invoke('import.start', { paths: [sample] });
        expect(
          await until(async () => (await client.invoke('jobs.get', { jobId })).state === 'done', 60_000),
        ).toBe(true);
        const tree = descendants(npx.pid!);
        const nodes = tree.filter((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('node'));
        expect(nodes.length).toBeGreaterThanOrEqual(2); // the server and its worker
        expect(await portFree(port)).toBe(false);

        // SIGINT goes to the whole process group, as Ctrl-C does: sent to npm's pid alone it
        // reaches sh, which (dash) defers it until its child exits, so no one would act on it.
        process.kill(signal === 'SIGINT' ? -npx.pid! : npx.pid!, signal);
        expect(await until(() => tree.every((p) => !alive(p)), 20_000)).toBe(true);
        expect(await until(() => portFree(port), 5_000)).toBe(true);
        expect(out.trim().split('\n')).toEqual([line]); // serve --json: one JSON object, nothing more
      } finally {
        for (const p of [npx.pid!, ...descendants(npx.pid!)]) if (alive(p)) process.kill(p, 'SIGKILL');
      }
    });
  }
});
