import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHttpClient, type WebSocketLike } from '../../src/core/api/client.ts';
import { contractSuite, type Harness } from '../api/contract-suite.ts';
import { repoRoot, sampleProject } from '../api/fixture.ts';
import { type Served, spawnServe } from './spawn-serve.ts';

let harness: Harness;
let served: Served | undefined;
let cleanup = () => {};

beforeAll(async () => {
  const p = sampleProject();
  cleanup = p.cleanup;
  served = await spawnServe([p.dir, '--port', '0', '--import-root', path.join(repoRoot, 'sample')]);
  const { base, token } = served;
  let opened: Promise<unknown> = Promise.resolve();
  const client = createHttpClient({
    baseUrl: base,
    token,
    webSocket: (url, headers) => {
      const ws = new WebSocket(url, { headers });
      opened = new Promise((resolve) => ws.once('open', resolve));
      return ws as unknown as WebSocketLike;
    },
  });
  harness = {
    client,
    projectDir: p.dir,
    async fetchUrl(url) {
      const res = await fetch(new URL(url, base), { headers: { authorization: `Bearer ${token}` } });
      return {
        status: res.status,
        body: Buffer.from(await res.arrayBuffer()),
        type: res.headers.get('content-type') ?? '',
      };
    },
  };
  // Open the event socket before the first test, so no event can slip past a late connection.
  client.on('project.changed', () => {});
  await opened;
});

afterAll(async () => {
  harness?.client.close();
  await served?.stop();
  cleanup();
});

contractSuite('HTTP + WebSocket (spcxr serve)', () => harness);

describe('serve extras', () => {
  it('stages an uploaded file inside the project for import (browser drag and drop)', async () => {
    const png = readFileSync(
      path.join(repoRoot, 'sample/images', readdirSync(path.join(repoRoot, 'sample/images'))[0]),
    );
    const res = await fetch(`${served!.base}/api/upload?name=${encodeURIComponent('../../evil name.png')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${served!.token}` },
      body: png,
    });
    expect(res.status).toBe(200);
    const { path: staged } = (await res.json()) as { path: string };
    expect(staged.startsWith(path.join(harness.projectDir, '.incoming'))).toBe(true);
    expect(path.basename(staged)).toBe('evil name.png');
    expect(readFileSync(staged).equals(png)).toBe(true);
    const done = new Promise<{ result: unknown }>((resolve) => {
      const off = harness.client.on('job.done', (e) => {
        off();
        resolve(e);
      });
    });
    await harness.client.invoke('import.start', { paths: [staged], copy: false });
    expect((await done).result).toMatchObject({ total: 1, duplicates: 1 });
    // Imported uploads are deleted: the project does not keep every image twice.
    expect(existsSync(path.dirname(staged))).toBe(false);
  });
});
