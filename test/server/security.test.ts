import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cookieName } from '../../src/server/auth.ts';
import { cli, repoRoot } from '../api/fixture.ts';
import { type Served, serveRefusal, spawnServe } from './spawn-serve.ts';

let served: Served;
let root: string;
let dir: string;

/** Raw request: no URL normalisation, so '..' and odd encodings reach the server as typed. */
function raw(p: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: served.port, path: p, method, headers }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    },
  );
}
const auth = () => ({ authorization: `Bearer ${served.token}` });

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-sec-'));
  dir = path.join(root, 'project');
  cli(['init', dir, '--classes', 'normal,pneumonia']);
  cli(['import', dir, path.join(repoRoot, 'sample/images/nih_00001280_004.png')]);
  // A secret next to the project, a symlink from exports/ pointing at it, and a renderer.
  writeFileSync(path.join(root, 'secret.txt'), 'top secret');
  mkdirSync(path.join(dir, 'exports'));
  writeFileSync(path.join(dir, 'exports/ok.csv'), 'a,b\n');
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'exports/link.csv'));
  const renderer = path.join(root, 'renderer');
  mkdirSync(renderer);
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>spcxr</title>');
  served = await spawnServe([dir, '--port', '0', '--renderer', renderer]);
});

afterAll(async () => {
  await served?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('spcxr serve security', () => {
  it('prints a loopback URL with a long random token', () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('refuses every kind of request without the token', async () => {
    for (const p of ['/', '/index.html', '/media/display/1.png', '/media/file/ok.csv'])
      expect((await raw(p)).status).toBe(401);
    const r = await raw('/api/invoke/project.info', {}, 'POST');
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).error.code).toBe('unauthorized');
    expect((await raw('/api/upload?name=x.png', {}, 'POST')).status).toBe(401);
  });

  it('refuses a wrong token in header, cookie and URL', async () => {
    const wrong = `${served.token.slice(0, -1)}${served.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await raw('/api/invoke/project.info', { authorization: `Bearer ${wrong}` }, 'POST')).status).toBe(
      401,
    );
    expect((await raw('/', { cookie: `${cookieName(served.token)}=${wrong}` })).status).toBe(401);
    expect((await raw(`/?token=${wrong}`)).status).toBe(401);
    expect((await raw('/api/invoke/project.info', { authorization: 'Bearer ' }, 'POST')).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite cookie that then authorises', async () => {
    const first = await raw(`/?token=${served.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await raw('/', { cookie: cookie.split(';')[0] });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>spcxr</title>');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(page.headers['content-security-policy']).not.toMatch(/https?:/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    // The redirect stays on this origin whatever path carried the token.
    for (const p of ['//evil.example/x', '/\\evil.example/x'])
      expect((await raw(`${p}?token=${served.token}`)).headers.location).toMatch(/^\/evil\.example\/x$/);
  });

  it('refuses paths outside the project, however encoded', async () => {
    expect((await raw('/media/file/ok.csv', auth())).status).toBe(200);
    for (const p of [
      '/media/file/../../secret.txt',
      '/media/file/..%2f..%2fsecret.txt',
      '/media/file/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/media/file/%252e%252e%252fsecret.txt',
      '/media/file/..%5c..%5csecret.txt',
      '/media/file/%2fetc%2fpasswd',
      '/media/file/link.csv',
      '/media/file/..%2fproject.sqlite',
      '/media/display/..%2f..%2fsecret.txt',
      '/media/display/1.png%00.txt',
    ]) {
      const r = await raw(p, auth());
      expect([403, 404], p).toContain(r.status);
      expect(r.body, p).not.toContain('top secret');
    }
    for (const p of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/..%2f..%2fproject%2fproject.sqlite',
    ]) {
      const r = await raw(p, auth());
      expect(r.body, p).not.toContain('top secret');
      expect(r.body, p).not.toContain('SQLite');
    }
  });

  it('refuses foreign Host and Origin headers (DNS rebinding, cross-site)', async () => {
    expect(
      (await raw('/api/invoke/project.info', { ...auth(), host: 'evil.example:80' }, 'POST')).status,
    ).toBe(403);
    const r = await raw('/api/invoke/project.info', { ...auth(), origin: 'http://evil.example' }, 'POST');
    expect(r.status).toBe(403);
  });

  it('refuses WebSocket connections without the token', async () => {
    const status = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${served.port}/api/events`);
      ws.on('open', () => resolve('open'));
      ws.on('error', (e) => resolve(e.message));
    });
    expect(status).toMatch(/401/);
    const ok = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${served.port}/api/events`, { headers: auth() });
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('error', (e) => resolve(e.message));
    });
    expect(ok).toBe('open');
  });

  it('keeps the served project: opening another is refused', async () => {
    const r = await raw('/api/invoke/project.open', auth(), 'POST');
    expect(r.status).toBe(400);
    const other = await new Promise<number>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: served.port,
          path: '/api/invoke/project.open',
          method: 'POST',
          headers: auth(),
        },
        (res) => resolve(res.statusCode!),
      );
      req.end(JSON.stringify({ path: root }));
    });
    expect(other).toBe(403);
  });

  it('will not bind to anything but 127.0.0.1', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
      const r = await serveRefusal([dir, '--port', '0', '--host', host]);
      expect(r.code, host).toBe(2);
      expect(r.stderr).toMatch(/binds to 127\.0\.0\.1 only/);
    }
  });
});
