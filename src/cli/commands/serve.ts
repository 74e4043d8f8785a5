import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkShippedModels } from '../../core/api/model-check.ts';
import { PathGrants } from '../../core/api/path-grants.ts';
import { ApiService } from '../../core/api/service.ts';
import { httpUrls } from '../../core/api/urls.ts';
import { newToken } from '../../server/auth.ts';
import { checkHost, startServer } from '../../server/server.ts';
import { INCOMING_DIR } from '../../server/upload.ts';
import { nodeWorkerSpawner } from '../../worker/spawn-node.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';

/** The app folder (with package.json): src/cli/commands/ from source, dist/cli/ in a bundle. */
function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function parsePort(v: string | boolean | undefined): number {
  if (v === undefined) return 4312;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be an integer 0..65535 (0 = any free port), got '${v}'`);
  return n;
}

export const command: Command = {
  name: 'serve',
  usage: `spcxr serve DIR [--port P] [--host 127.0.0.1] [--renderer DIR] [--import-root FOLDER[${path.delimiter}FOLDER...]]`,
  summary:
    'Serve the full app for a browser on 127.0.0.1 only, for the project in DIR. Prints the URL with a ' +
    'one-time random token on stdout; every request needs that token. The browser may import only files ' +
    'it uploads, and files under the --import-root folders. Stops on Ctrl-C.',
  async run({ positionals, flags, io }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const port = parsePort(flags.port);
    let host: string;
    try {
      host = checkHost(typeof flags.host === 'string' ? flags.host : undefined);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const dir = path.resolve(positionals[0]);
    const repoRoot = appRoot();
    const rendererDir = path.resolve(
      typeof flags.renderer === 'string' ? flags.renderer : path.join(repoRoot, 'dist/renderer'),
    );
    const version = (
      JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const modelsDir = path.join(repoRoot, 'resources/models');
    // Verified once here; the worker is pointed at the first good encoder (a bundled worker
    // cannot find resources/ relative to itself).
    const encoder = (await checkShippedModels(modelsDir)).find((m) => m.ok);
    for (const m of await checkShippedModels(modelsDir))
      if (!m.ok) io.err(`warning: model ${m.name}: ${m.detail}`);
    const env = !process.env.SPCXR_ENCODER && encoder ? { SPCXR_ENCODER: encoder.dir } : {};
    const roots = typeof flags['import-root'] === 'string' ? flags['import-root'].split(path.delimiter) : [];
    for (const r of roots) if (!existsSync(r)) throw new UsageError(`--import-root ${r}: no such folder`);
    const pathGrants = new PathGrants([path.join(dir, INCOMING_DIR), ...roots]);
    const service = new ApiService({
      shell: 'serve',
      pathGrants,
      urls: httpUrls,
      spawnWorker: nodeWorkerSpawner({ env }),
      lockedProject: dir,
      modelsDir,
      version,
    });
    await service.invoke('project.open', { path: dir });
    const token = newToken();
    const server = await startServer({ service, token, rendererDir, port, host });
    // The one line with the token: stdout, so scripts and the e2e harness can read it.
    process.stdout.write(`${server.url}\n`);
    io.err(`serving ${dir} at http://${host}:${server.port}/ (renderer: ${rendererDir})`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    io.err('stopping');
    await server.close();
    service.close();
    return { json: { ok: true, port: server.port }, exitCode: EXIT_OK };
  },
};
