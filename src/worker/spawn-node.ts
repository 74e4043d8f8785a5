import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerProcess, WorkerSpawner } from '../core/api/worker-protocol.ts';
import { OFFLINE_ENV } from '../core/offline.ts';

export interface NodeWorkerOptions {
  /** Worker entry; default: the TypeScript source run through tsx, or the bundle beside it. */
  entry?: string;
  /** V8 heap cap in MB: a runaway job dies as an out-of-memory crash of the worker, not of the app. */
  maxOldSpaceMb?: number;
  env?: NodeJS.ProcessEnv;
  /** Where the worker's stderr goes (default: this process's stderr), e.g. a test's capture. */
  stderr?: (chunk: Buffer) => void;
}

/** Source: src/worker/main.ts through tsx; bundle: dist/worker/index.js beside dist/cli/. */
function defaultEntry(): string {
  const bundled = fileURLToPath(new URL('../worker/index.js', import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL('./main.ts', import.meta.url));
}

/** Starts the ML worker as a plain Node child process (CLI, `spcxr serve`, tests). */
export function nodeWorkerSpawner(opts: NodeWorkerOptions = {}): WorkerSpawner {
  return () => {
    const entry = opts.entry ?? defaultEntry();
    // Resolved from here, not from the cwd: `spcxr serve` may be started from any folder.
    const execArgv = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : [];
    if (opts.maxOldSpaceMb) execArgv.push(`--max-old-space-size=${opts.maxOldSpaceMb}`);
    const child = fork(entry, [], {
      execArgv,
      env: { ...process.env, ...opts.env, ...OFFLINE_ENV, SPCXR_WORKER: '1' },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    // Pass stderr through, keeping its tail: how the worker died (e.g. V8's heap report) is
    // the reason the failed job should carry.
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (opts.stderr) opts.stderr(chunk);
      else process.stderr.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-4096);
    });
    const proc: WorkerProcess = {
      get pid() {
        return child.pid;
      },
      send(msg) {
        if (child.connected) child.send(msg);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        child.once('exit', (code, signal) => {
          // Let stderr drain so the tail is complete, but never wait on a grandchild holding it.
          const report = () => listener({ code, signal, detail: tail });
          if (!child.stderr || child.stderr.readableEnded) return report();
          const timer = setTimeout(report, 250);
          child.stderr.once('end', () => {
            clearTimeout(timer);
            report();
          });
        });
      },
      kill() {
        child.kill('SIGKILL');
      },
    };
    return proc;
  };
}
