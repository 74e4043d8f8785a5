/**
 * ML worker entry. Runs long jobs (import, features, training, suggestions, export) one at a
 * time, away from the process that owns the window or the HTTP server, so that a crash or an
 * out-of-memory here fails one job and nothing else.
 *
 * The same file runs as a Node child (`process.send`) and as an Electron utilityProcess
 * (`process.parentPort`).
 */
import '../core/offline.ts';
import '../core/private-umask.ts';
import { residentFeatures } from '../core/active/resident.ts';
import { looseResult } from '../core/api/schemas/job-map.ts';
import { HostToWorker, type RunMessage, type WorkerToHost } from '../core/api/worker-protocol.ts';
import { openProject } from '../core/store/index.ts';
import type { ProjectStore } from '../core/store/types.ts';
import { runners } from './jobs/index.ts';
import { collectGarbage } from './memory.ts';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(msg: unknown): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function post(msg: WorkerToHost): void {
  if (parentPort) parentPort.postMessage(msg);
  else process.send?.(msg);
}

const running = new Map<string, AbortController>();
// Suggestion passes keep the project's feature matrix between jobs (core/active/resident.ts);
// when it is dropped after an idle spell, give its memory back at once.
residentFeatures.onDrop = collectGarbage;
let store: ProjectStore | null = null;

function storeFor(dir: string): ProjectStore {
  if (store && store.dir !== dir) {
    store.close();
    store = null;
  }
  // The host has already opened (and integrity-checked) this project.
  store ??= openProject(dir, { skipIntegrityCheck: true });
  return store;
}

async function run(msg: RunMessage): Promise<void> {
  const ac = new AbortController();
  running.set(msg.jobId, ac);
  try {
    const runner = runners[msg.kind];
    const result = await runner({
      store: storeFor(msg.projectDir),
      params: msg.params,
      signal: ac.signal,
      progress: (progress) => post({ type: 'progress', jobId: msg.jobId, progress }),
      metrics: (epoch, metrics) => post({ type: 'metrics', jobId: msg.jobId, epoch, metrics }),
    });
    if (ac.signal.aborted) throw ac.signal.reason;
    // The job map is the contract of results: a job that breaks it fails instead of lying.
    const checked = looseResult(msg.kind).safeParse(result);
    if (!checked.success)
      throw new Error(
        `${msg.kind} job: result does not match the contract (${checked.error.issues[0]?.message})`,
      );
    post({ type: 'done', jobId: msg.jobId, result: checked.data });
  } catch (e) {
    const cancelled = ac.signal.aborted;
    const error = cancelled ? 'cancelled' : e instanceof Error ? e.message : String(e);
    post({ type: 'failed', jobId: msg.jobId, error, cancelled });
  } finally {
    running.delete(msg.jobId);
    // A suggestion pass over 50k images leaves ~100 MB of dead arrays; give it back now rather
    // than whenever V8 next feels pressure, so the idle worker stays small.
    if (running.size === 0) collectGarbage();
  }
}

function onMessage(raw: unknown): void {
  const parsed = HostToWorker.safeParse(raw);
  if (!parsed.success) {
    console.error('spcxr worker: ignoring malformed message', parsed.error.issues);
    return;
  }
  const msg = parsed.data;
  if (msg.type === 'cancel') running.get(msg.jobId)?.abort(new Error('cancelled'));
  else void run(msg);
}

if (parentPort) parentPort.on('message', (e) => onMessage(e.data));
else process.on('message', onMessage);
// A Node child exits when the host goes away (IPC channel closed); nothing to clean up but the db.
process.on('disconnect', () => {
  store?.close();
  process.exit(0);
});
post({ type: 'ready', pid: process.pid });
