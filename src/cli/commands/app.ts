import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultBrowserCommand, findChromium, openAppWindow } from '../browser.ts';
import { startProjectServer, untilSignal } from '../project-server.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';
import { parseImportRoots, parsePort } from './serve.ts';

type Closed = { by: 'window'; code: number | null } | { by: NodeJS.Signals };

export const command: Command = {
  name: 'app',
  usage: 'spcxr app [DIR] [--browser PATH] [--port P] [--import-root FOLDER] [--json]',
  summary:
    'Open the project in DIR (default: the current folder) as a desktop window without Electron: starts the ' +
    'server on 127.0.0.1 and opens it in an installed Chromium, Chrome or Edge in app mode with a private ' +
    'profile and no extensions (or, without one, in the default browser). Closing the window stops the server.',
  async run({ positionals, flags, io, json }) {
    if (positionals.length > 1) throw new UsageError('expected at most one project folder');
    const explicit =
      typeof flags.browser === 'string' ? flags.browser : (process.env.SPCXR_BROWSER ?? undefined);
    const browser = findChromium(explicit);
    if (explicit && !browser) throw new UsageError(`browser not found: ${explicit}`);
    const dir = path.resolve(positionals[0] ?? '.');
    const importRoots = parseImportRoots(flags['import-root']);
    const server = await startProjectServer({
      dir,
      importRoots,
      port: parsePort(flags.port, 0),
      host: '127.0.0.1',
      rendererDir: typeof flags.renderer === 'string' ? flags.renderer : undefined,
      io,
    });
    const mode = browser ? 'app-window' : 'default-browser';
    process.stdout.write(
      json
        ? `${JSON.stringify({ ok: true, url: server.url, port: server.port, mode, browser: browser ?? null })}\n`
        : `${server.url}\n`,
    );
    const signal = untilSignal();
    let closed: Closed;
    if (browser) {
      const profile = mkdtempSync(path.join(os.tmpdir(), 'spcxr-app-profile-'));
      const child = openAppWindow(browser, server.url, profile);
      let tail = '';
      child.stderr?.on('data', (d: Buffer) => {
        tail = (tail + d.toString('utf8')).slice(-2000);
      });
      const exited = new Promise<Closed>((resolve) => {
        child.once('exit', (code) => resolve({ by: 'window', code }));
        child.once('error', () => resolve({ by: 'window', code: -1 }));
      });
      io.err(`opened ${dir} in an app window of ${browser}; closing the window stops the server`);
      closed = await Promise.race([exited, signal.then((s) => ({ by: s }) as Closed)]);
      if (closed.by !== 'window') {
        child.kill('SIGTERM');
        const late = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(late);
      } else if (closed.code !== 0) {
        io.err(
          `the browser exited with code ${closed.code}: ${tail.trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    } else {
      const { cmd, args } = defaultBrowserCommand(server.url);
      const opener = spawn(cmd, args, { stdio: 'ignore', detached: true });
      opener.once('error', () => io.err(`could not run ${cmd}; open ${server.url} in a browser yourself`));
      opener.unref();
      io.err(
        'no Chromium, Chrome or Edge found: opened the app in the default browser instead. ' +
          'That window cannot stop the server: press Ctrl-C here when done.',
      );
      closed = { by: await signal };
    }
    io.err(closed.by === 'window' ? 'window closed: stopping the server' : `stopping (${closed.by})`);
    await server.close();
    return {
      json: { ok: true, port: server.port, mode, closedBy: closed.by },
      exitCode: EXIT_OK,
      printed: json,
    };
  },
};
