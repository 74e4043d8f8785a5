/**
 * API round-trip latency: HTTP/WebSocket transport (`spcxr serve`'s server, real sockets) vs the
 * in-process client (peer), on a copy of the bundled sample, same process, same service.
 * Prints medians and p95 per request and the HTTP/in-process ratio.
 *   npx tsx bench/api-latency.ts [rounds=60]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '../src/core/api/client.ts';
import type { ApiClient } from '../src/core/api/contract.ts';
import { createInProcessClient } from '../src/core/api/in-process.ts';
import { serveMedia } from '../src/core/api/media.ts';
import { ApiService } from '../src/core/api/service.ts';
import { httpUrls, MEDIA_PREFIX } from '../src/core/api/urls.ts';
import { newToken } from '../src/server/auth.ts';
import { startServer } from '../src/server/server.ts';
import { nodeWorkerSpawner } from '../src/worker/spawn-node.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.argv[2] ?? 60);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-bench-'));
const dir = path.join(tmp, 'p');
const cli = (args: string[]) =>
  execFileSync(process.execPath, [path.join(root, 'bin/spcxr.mjs'), ...args], { stdio: 'pipe' });
cli(['init', dir, '--classes', 'normal,pneumonia']);
cli(['import', dir, '--manifest', path.join(root, 'sample/manifest.csv')]);

const service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
await service.invoke('project.open', { path: dir });
const token = newToken();
const server = await startServer({ service, token, rendererDir: path.join(tmp, 'none') });
const base = `http://127.0.0.1:${server.port}`;
const http = createHttpClient({ baseUrl: base, token });
const local = createInProcessClient(service);
const fetchHttp = async (url: string) => {
  const r = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
  return new Uint8Array(await r.arrayBuffer());
};
const fetchLocal = async (url: string) => {
  const u = new URL(url, base);
  return (await serveMedia(service.current(), u.pathname.slice(MEDIA_PREFIX.http.length), u.searchParams))
    .body;
};

const ids = (await local.invoke('images.list', { limit: 40 })).items.map((i) => i.id);
let edits = 0;
type Case = {
  name: string;
  run: (c: ApiClient, get: (u: string) => Promise<unknown>, i: number) => Promise<unknown>;
};
const cases: Case[] = [
  { name: 'images.list (40)', run: (c) => c.invoke('images.list', { limit: 100 }) },
  { name: 'images.get', run: (c, _g, i) => c.invoke('images.get', { id: ids[i % ids.length] }) },
  {
    name: 'open image (get + display PNG)',
    run: async (c, get, i) =>
      get((await c.invoke('images.get', { id: ids[(i + 7) % ids.length] })).urls.display),
  },
  {
    name: 'masks.saveEdit 32×32',
    run: async (c) => {
      const odd = edits++ % 2 === 1;
      const z = Buffer.alloc(1024).toString('base64');
      const o = Buffer.alloc(1024, 1).toString('base64');
      return c.invoke('masks.saveEdit', {
        imageId: ids[0],
        rect: { x: 64, y: 64, width: 32, height: 32 },
        before: odd ? o : z,
        after: odd ? z : o,
      });
    },
  },
  {
    name: 'labels.set (1 image)',
    run: (c, _g, i) => c.invoke('labels.set', { imageIds: [ids[1]], label: i % 2 ? 'normal' : 'pneumonia' }),
  },
];

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)] };
};
console.log(`machine: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model.trim()}; rounds ${rounds}`);
console.log('request | in-process p50 / p95 ms | HTTP p50 / p95 ms | ratio (p50)');
for (const c of cases) {
  const times: Record<string, number[]> = { local: [], http: [] };
  for (let i = 0; i < rounds; i++) {
    // Interleaved so that both transports see the same machine load.
    for (const [k, client, get] of [
      ['local', local, fetchLocal],
      ['http', http, fetchHttp],
    ] as const) {
      const t0 = performance.now();
      await c.run(client, get, i);
      times[k].push(performance.now() - t0);
    }
  }
  const a = stats(times.local);
  const b = stats(times.http);
  console.log(
    `${c.name} | ${a.p50.toFixed(1)} / ${a.p95.toFixed(1)} | ${b.p50.toFixed(1)} / ${b.p95.toFixed(1)} | ${(b.p50 / a.p50).toFixed(2)}`,
  );
}
http.close();
await server.close();
service.close();
rmSync(tmp, { recursive: true, force: true });
