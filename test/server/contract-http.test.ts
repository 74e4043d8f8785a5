import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { createHttpClient, type WebSocketLike } from '../../src/core/api/client.ts';
import { contractSuite, type Harness } from '../api/contract-suite.ts';
import { sampleProject } from '../api/fixture.ts';
import { type Served, spawnServe } from './spawn-serve.ts';

let harness: Harness;
let served: Served | undefined;
let cleanup = () => {};

beforeAll(async () => {
  const p = sampleProject();
  cleanup = p.cleanup;
  served = await spawnServe([p.dir, '--port', '0']);
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
  client.on('history.changed', () => {});
  await opened;
});

afterAll(async () => {
  harness?.client.close();
  await served?.stop();
  cleanup();
});

contractSuite('HTTP + WebSocket (spcxr serve)', () => harness);
