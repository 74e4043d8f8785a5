import { afterAll, beforeAll } from 'vitest';
import { createInProcessClient } from '../../src/core/api/in-process.ts';
import { serveMedia } from '../../src/core/api/media.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls, MEDIA_PREFIX } from '../../src/core/api/urls.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { contractSuite, type Harness } from './contract-suite.ts';
import { sampleProject } from './fixture.ts';

let harness: Harness;
let service: ApiService;
let cleanup = () => {};

beforeAll(async () => {
  const p = sampleProject();
  cleanup = p.cleanup;
  service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
  const client = createInProcessClient(service);
  await client.invoke('project.open', { path: p.dir });
  harness = {
    client,
    projectDir: p.dir,
    async fetchUrl(url) {
      const u = new URL(url, 'http://in-process');
      const r = await serveMedia(
        service.current(),
        u.pathname.slice(MEDIA_PREFIX.http.length),
        u.searchParams,
      );
      return { status: r.status, body: Buffer.from(r.body), type: r.mime };
    },
  };
});

afterAll(() => {
  harness?.client.close();
  service?.close();
  cleanup();
});

contractSuite('in-process', () => harness);
