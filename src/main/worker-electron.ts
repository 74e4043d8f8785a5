/** The ML worker as an Electron utilityProcess: same entry and protocol as the Node child. */
import type { UtilityProcess } from 'electron';
import type { WorkerProcess, WorkerSpawner } from '../core/api/worker-protocol.ts';
import { OFFLINE_ENV } from '../core/offline.ts';

type Fork = (modulePath: string, args: string[], options: Record<string, unknown>) => UtilityProcess;

export function utilityWorkerSpawner(fork: Fork, entry: string, env: NodeJS.ProcessEnv): WorkerSpawner {
  return () => {
    const child = fork(entry, [], {
      serviceName: 'SPCXR ML worker',
      stdio: 'inherit',
      env: { ...env, ...OFFLINE_ENV, SPCXR_WORKER: '1' },
    });
    const proc: WorkerProcess = {
      get pid() {
        return child.pid;
      },
      send: (msg) => child.postMessage(msg),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) =>
        // utilityProcess reports only an exit code; a crash or OOM shows as a non-zero code.
        child.once('exit', (code) => listener({ code, signal: null })),
      kill: () => {
        child.kill();
      },
    };
    return proc;
  };
}
