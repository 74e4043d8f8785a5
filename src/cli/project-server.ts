import path from 'node:path';
import { PathGrants } from '../core/api/path-grants.ts';
import { ApiService } from '../core/api/service.ts';
import { httpUrls } from '../core/api/urls.ts';
import { checkShippedModels } from '../core/app/model-check.ts';
import { newToken } from '../server/auth.ts';
import { startServer } from '../server/server.ts';
import { INCOMING_DIR } from '../server/upload.ts';
import { nodeWorkerSpawner } from '../worker/spawn-node.ts';
import type { CliIO } from './types.ts';
import { appRoot, appVersion } from './version.ts';

export interface ProjectServer {
  /** The URL with the one-time token. */
  url: string;
  port: number;
  /** Stops the HTTP server, the ML worker and the project session. */
  close(): Promise<void>;
}

/** Starts the app's HTTP/WebSocket server for one project (used by `serve` and `app`). */
export async function startProjectServer(opts: {
  dir: string;
  port: number;
  host: string;
  rendererDir?: string;
  /** Folders the browser may import from, besides its own uploads (see PathGrants). */
  importRoots?: string[];
  io: CliIO;
}): Promise<ProjectServer> {
  const root = appRoot();
  const rendererDir = path.resolve(opts.rendererDir ?? path.join(root, 'dist/renderer'));
  const modelsDir = path.join(root, 'resources/models');
  // Verified once here; the worker is pointed at the first good encoder (a bundled worker
  // cannot find resources/ relative to itself).
  const checked = await checkShippedModels(modelsDir);
  const encoder = checked.find((m) => m.ok);
  for (const m of checked) if (!m.ok) opts.io.err(`warning: model ${m.name}: ${m.detail}`);
  const env = !process.env.SPCXR_ENCODER && encoder ? { SPCXR_ENCODER: encoder.dir } : {};
  const service = new ApiService({
    shell: 'serve',
    pathGrants: new PathGrants([path.join(opts.dir, INCOMING_DIR), ...(opts.importRoots ?? [])]),
    urls: httpUrls,
    spawnWorker: nodeWorkerSpawner({ env }),
    lockedProject: opts.dir,
    modelsDir,
    version: appVersion(),
  });
  try {
    await service.invoke('project.open', { path: opts.dir });
  } catch (e) {
    service.close();
    throw e;
  }
  const server = await startServer({
    service,
    token: newToken(),
    rendererDir,
    port: opts.port,
    host: opts.host,
  });
  opts.io.err(`serving ${opts.dir} at http://${opts.host}:${server.port}/ (renderer: ${rendererDir})`);
  return {
    url: server.url,
    port: server.port,
    async close() {
      await server.close();
      service.close();
    },
  };
}

/** Resolves with the signal's name on the first SIGINT, SIGTERM or SIGHUP. */
export function untilSignal(): Promise<NodeJS.Signals> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      for (const x of signals) process.off(x, on);
      resolve(s);
    };
    for (const s of signals) process.on(s, on);
  });
}
