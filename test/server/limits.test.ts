/**
 * spcxr serve as an attacker on the same machine would try it: oversized and parallel bodies,
 * a second instance on another port, client mistakes that must never be a 500.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathGrants } from '../../src/core/api/path-grants.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { createProject } from '../../src/core/store/index.ts';
import { scrubToken } from '../../src/renderer/lib/scrub-token.ts';
import { inflightJsonBytes, MAX_JSON_BYTES } from '../../src/server/body.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-serve-limits-'));
const servers: Array<{ s: RunningServer; service: ApiService; token: string }> = [];

async function start(token: string, project?: string) {
  const service = new ApiService({
    shell: 'serve',
    urls: httpUrls,
    spawnWorker: nodeWorkerSpawner(),
    lockedProject: project,
    pathGrants: new PathGrants(project ? [path.join(project, '.incoming')] : []),
  });
  if (project) await service.invoke('project.open', { path: project });
  const s = await startServer({ service, token, rendererDir: tmp, port: 0 });
  servers.push({ s, service, token });
  return s;
}

/** One raw request; `body` may be a declared length with no bytes behind it. */
function req(
  port: number,
  p: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    r.on('error', reject);
    if (opts.body !== undefined) r.write(opts.body);
    r.end();
  });
}

let A: RunningServer;
let B: RunningServer;
const tokenA = 'a'.repeat(43);
const tokenB = 'b'.repeat(43);
const bearer = { authorization: `Bearer ${tokenA}` };

beforeAll(async () => {
  const proj = path.join(tmp, 'p');
  createProject(proj, { classes: ['normal', 'pneumonia'] }).close();
  A = await start(tokenA, proj);
  B = await start(tokenB);
});
afterAll(async () => {
  for (const { s, service } of servers) {
    await s.close();
    service.close();
  }
  rmSync(tmp, { recursive: true, force: true });
});

describe('serve: bounded bodies and 4xx for client errors', () => {
  it('answers 413 from Content-Length at once, before reading the body', async () => {
    const r = await req(A.port, '/api/invoke/project.info', {
      method: 'POST',
      headers: { ...bearer, 'content-length': String(3 * 1024 ** 3), 'content-type': 'application/json' },
    });
    expect(r.status).toBe(413);
    const u = await req(A.port, '/api/upload?name=x.png', {
      method: 'POST',
      headers: { ...bearer, 'content-length': String(3 * 1024 ** 3) },
    });
    expect(u.status).toBe(413);
  });

  it('cuts a chunked body off at the cap with a 413', async () => {
    const big = Buffer.alloc(MAX_JSON_BYTES + 1024, 0x20);
    const r = await req(A.port, '/api/invoke/project.info', {
      method: 'POST',
      headers: { ...bearer, 'transfer-encoding': 'chunked' },
      body: big,
    });
    expect(r.status).toBe(413);
    expect(inflightJsonBytes()).toBe(0);
  });

  it('client mistakes are 4xx, never 500', async () => {
    const post = (name: string, body: string) =>
      req(A.port, `/api/invoke/${name}`, {
        method: 'POST',
        headers: { ...bearer, 'content-type': 'application/json' },
        body,
      });
    const cases: Array<[string, string, number]> = [
      ['project.info', '{not json', 400],
      ['classes.apply', JSON.stringify({ op: { op: 'add', name: 'Normal' } }), 409],
      ['classes.apply', JSON.stringify({ op: { op: 'add', name: 'unknown' } }), 400],
      ['classes.apply', JSON.stringify({ op: { op: 'add', name: 'a\u200bb' } }), 400],
      ['export.start', JSON.stringify({ format: 'csv', out: path.join(tmp, 'p', 'project.sqlite') }), 403],
      ['import.start', JSON.stringify({ paths: [], manifest: '/etc/passwd' }), 403],
    ];
    for (const [name, body, status] of cases) {
      const r = await post(name, body);
      expect(r.status, `${name} ${body}: ${r.text}`).toBe(status);
      expect(r.text).not.toMatch(/root:x:/);
    }
  });
});

describe('serve: one session cookie per instance', () => {
  it('logging into a second instance does not log out the first', async () => {
    // A browser's jar for 127.0.0.1: cookies are keyed by name, not by port.
    const jar = new Map<string, string>();
    for (const [srv, token] of [
      [A, tokenA],
      [B, tokenB],
    ] as const) {
      const r = await req(srv.port, `/?token=${token}`);
      expect(r.status).toBe(303);
      const [pair] = String(r.headers['set-cookie']).split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    expect(jar.size).toBe(2);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    expect(
      (
        await req(A.port, '/api/invoke/project.info', {
          method: 'POST',
          headers: { cookie, origin: `http://127.0.0.1:${A.port}` },
          body: '{}',
        })
      ).status,
    ).toBe(200);
    expect(
      (await req(B.port, '/api/invoke/app.info', { method: 'POST', headers: { cookie }, body: '{}' })).status,
    ).not.toBe(401);
  });

  it('the page drops a token URL from history at once', () => {
    const calls: string[] = [];
    const hist = { state: null, replaceState: (_s: unknown, _u: string, url: string) => calls.push(url) };
    expect(scrubToken({ href: 'http://127.0.0.1:5/grid?x=1&token=abc#h' }, hist)).toBe(true);
    expect(calls).toEqual(['/grid?x=1#h']);
    expect(scrubToken({ href: 'http://127.0.0.1:5/grid' }, hist)).toBe(false);
  });
});
