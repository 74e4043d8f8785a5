/**
 * A tab outlives its server: the client says when the server is gone and when a restarted one
 * refuses its old token, and a page load with the old key gets a page that says what to do
 * instead of raw JSON.
 */
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHttpClient, type WebSocketLike } from '../../src/core/api/client.ts';
import type { ConnectionState } from '../../src/core/api/contract.ts';
import { sampleProject } from '../api/fixture.ts';
import { type Served, spawnServe } from './spawn-serve.ts';

const p = sampleProject();

async function until(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const servers: Served[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  p.cleanup();
});

describe('server restart seen from an open tab', () => {
  it('goes online, offline when the server stops, unauthorized when it returns with a new token', async () => {
    const first = await spawnServe([p.dir, '--port', '0']);
    servers.push(first);
    const states: ConnectionState[] = [];
    const client = createHttpClient({
      baseUrl: first.base,
      token: first.token,
      webSocket: (url, headers) => {
        const ws = new WebSocket(url, { headers });
        ws.on('error', () => {});
        return ws as unknown as WebSocketLike;
      },
    });
    client.onConnection?.((s) => states.push(s));
    client.on('project.changed', () => {});
    await until(() => states.includes('online'), 30_000);

    await first.stop();
    await until(() => states.at(-1) === 'offline', 30_000);

    const second = await spawnServe([p.dir, '--port', String(first.port)]);
    servers.push(second);
    expect(second.token).not.toBe(first.token);
    await until(() => states.at(-1) === 'unauthorized', 30_000);
    client.close();
    expect(states).toEqual(['connecting', 'online', 'offline', 'unauthorized']);

    // The old tab reloads: a page that says what to do, not JSON.
    const page = await fetch(`${second.base}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain(`http://127.0.0.1:${second.port}/?token=`);
    expect(html).not.toContain(second.token);
    const old = await fetch(`${second.base}/?token=${first.token}`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(old.status).toBe(401);
    expect(await old.text()).toMatch(/Open the address/);
    // Scripts still get the JSON error they can read.
    const api = await fetch(`${second.base}/api/invoke/app.info`, { method: 'POST', body: '{}' });
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe('unauthorized');
  });
});
