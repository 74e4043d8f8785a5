import { existsSync } from 'node:fs';
import path from 'node:path';
import { checkHost } from '../../server/server.ts';
import { startProjectServer, untilSignal } from '../project-server.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';

export function parsePort(v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be an integer 0..65535 (0 = any free port), got '${v}'`);
  return n;
}

/** --import-root FOLDER[:FOLDER…]: folders the browser may import from by path. */
export function parseImportRoots(v: string | boolean | undefined): string[] {
  const roots = typeof v === 'string' ? v.split(path.delimiter) : [];
  for (const r of roots) if (!existsSync(r)) throw new UsageError(`--import-root ${r}: no such folder`);
  return roots;
}

export const command: Command = {
  name: 'serve',
  usage: `spcxr serve DIR [--port P] [--host 127.0.0.1] [--renderer DIR] [--import-root FOLDER[${path.delimiter}FOLDER...]] [--json]`,
  summary:
    'Serve the full app for a browser on 127.0.0.1 only, for the project in DIR. Prints the URL with a ' +
    'one-time random token on stdout (with --json: one object {ok, url, port}); every request needs ' +
    'that token. The browser may import only files it uploads and files under the --import-root ' +
    'folders. Stops on Ctrl-C, SIGTERM or SIGHUP.',
  async run({ positionals, flags, io, json }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const port = parsePort(flags.port, 4312);
    let host: string;
    try {
      host = checkHost(typeof flags.host === 'string' ? flags.host : undefined);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const importRoots = parseImportRoots(flags['import-root']);
    const server = await startProjectServer({
      dir: path.resolve(positionals[0]),
      importRoots,
      port,
      host,
      rendererDir: typeof flags.renderer === 'string' ? flags.renderer : undefined,
      io,
    });
    // The one line with the token, on stdout so scripts and the e2e harness can read it. With
    // --json it is the command's one JSON object, written now because the server runs on.
    process.stdout.write(
      json ? `${JSON.stringify({ ok: true, url: server.url, port: server.port })}\n` : `${server.url}\n`,
    );
    const signal = await untilSignal();
    io.err(`stopping (${signal})`);
    await server.close();
    return { json: { ok: true, port: server.port }, exitCode: EXIT_OK, printed: json };
  },
};
