/**
 * The in-process implementation of the contract. Every shell (Electron IPC, `spcxr serve`,
 * tests) calls `invoke(name, params)`: params are validated on the way in, results on the way
 * out, and errors become `ApiError`s with a code. Long jobs go to the ML worker through the
 * job manager; everything quick (labels, masks, queries) runs here on the store.
 */

import path from 'node:path';
import type { Notifier } from '../app/notify.ts';
import type { ProjectSession } from '../app/session.ts';
import { CoreError } from '../errors.ts';
import { UnsafeExportPathError } from '../export/safe-path.ts';
import { ImageDecodeError } from '../imaging/types.ts';
import {
  ApiError,
  type ApiEvents,
  type ApiHandlers,
  type EventName,
  type ProjectInfo,
  type RequestName,
  type Result,
  type Unsubscribe,
} from './contract.ts';
import { appHandlers } from './handlers/app.ts';
import { classHandlers } from './handlers/classes.ts';
import { editHandlers } from './handlers/edits.ts';
import { imageHandlers } from './handlers/images.ts';
import { jobHandlers } from './handlers/jobs.ts';
import { modelHandlers, modelsChanged } from './handlers/models.ts';
import { pacsHandlers } from './handlers/pacs.ts';
import { projectHandlers, projectInfo } from './handlers/project.ts';
import { reviewHandlers } from './handlers/review.ts';
import { suggestHandlers } from './handlers/suggest.ts';
import { suggestMaskHandlers } from './handlers/suggest-mask.ts';
import { JobManager } from './job-manager.ts';
import type { PathGrants } from './path-grants.ts';
import { labelsAdded, stopRetrain } from './retrain.ts';
import { eventSchemas, requestSchemas } from './schemas.ts';
import type { UrlScheme } from './urls.ts';
import type { WorkerSpawner } from './worker-protocol.ts';

export interface RecentStore {
  list(): Array<{ path: string; name: string; openedAt: string }>;
  add(path: string, name: string): void;
}

export interface ServiceOptions {
  shell: 'electron' | 'serve' | 'in-process';
  urls: UrlScheme;
  spawnWorker: WorkerSpawner;
  /** serve: the one project this process may open. */
  lockedProject?: string;
  /**
   * serve and Electron: the only places import may read from, and (besides the project's
   * exports/ folder) export may write to. Absent (CLI, tests): any path.
   */
  pathGrants?: PathGrants;
  recent?: RecentStore;
  /** Folder holding shipped encoders (`<name>/model.json`). */
  modelsDir?: string;
  version?: string;
  electronVersion?: string | null;
  cancelGraceMs?: number;
}

type Listener = (payload: unknown) => void;

/** What the per-area handler files get. */
export interface ServiceContext {
  readonly opts: ServiceOptions;
  readonly jobs: JobManager;
  session(): ProjectSession;
  current(): ProjectSession | null;
  setSession(s: ProjectSession | null): void;
  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  info(): ProjectInfo;
  /** Emits project.changed with fresh counts (after anything that changes them). */
  changed(): void;
  /** What use cases in `core/app` report, broadcast as events (plus the retrain policy). */
  readonly notify: Notifier;
}

export class ApiService {
  readonly jobs: JobManager;
  private readonly listeners = new Map<string, Set<Listener>>();
  private sess: ProjectSession | null = null;
  private readonly handlers: ApiHandlers;
  readonly ctx: ServiceContext;

  constructor(readonly opts: ServiceOptions) {
    const self = this;
    this.jobs = new JobManager({
      spawn: opts.spawnWorker,
      emit: (e, p) => this.emit(e, p),
      cancelGraceMs: opts.cancelGraceMs,
      onDone: (kind, _result, dir) => {
        if (this.sess && path.resolve(dir) === this.sess.dir) {
          if (kind === 'train') this.emit('models.changed', modelsChanged(this.sess));
          if (kind === 'suggest') this.emit('suggestions.changed', { count: 0 });
        }
      },
    });
    // Counts change after imports and accepted suggestions; refresh after every finished job.
    this.on('job.done', () => this.sess && this.ctx.changed());
    this.ctx = {
      opts,
      jobs: this.jobs,
      session() {
        if (!self.sess) throw new ApiError('no_project', 'no project is open: open or create one first');
        return self.sess;
      },
      current: () => this.sess,
      setSession: (s) => {
        if (this.sess) stopRetrain(this.sess);
        this.sess?.close();
        this.sess = s;
      },
      emit: (e, p) => this.emit(e, p),
      info: () => projectInfo(this.ctx.session(), opts.modelsDir),
      changed: () => this.emit('project.changed', projectInfo(this.ctx.session(), opts.modelsDir)),
      notify: {
        labelsChanged: (imageIds) => this.emit('labels.changed', { imageIds }),
        maskChanged: (c) => this.emit('mask.changed', c),
        countsChanged: () => this.ctx.changed(),
        labelsAdded: (n) => labelsAdded(this.ctx, this.ctx.session(), n),
      },
    };
    this.handlers = {
      ...appHandlers(this.ctx),
      ...projectHandlers(this.ctx),
      ...classHandlers(this.ctx),
      ...reviewHandlers(this.ctx),
      ...imageHandlers(this.ctx),
      ...editHandlers(this.ctx),
      ...jobHandlers(this.ctx),
      ...modelHandlers(this.ctx),
      ...suggestHandlers(this.ctx),
      ...suggestMaskHandlers(this.ctx),
      ...pacsHandlers(this.ctx),
    };
  }

  /** Validates, runs and validates again. Throws ApiError only. */
  async invoke<K extends RequestName>(name: K, params?: unknown): Promise<Result<K>> {
    const schema = requestSchemas[name];
    if (!schema) throw new ApiError('not_found', `unknown request '${String(name)}'`);
    const parsed = schema.params.safeParse(params ?? {});
    if (!parsed.success)
      throw new ApiError('bad_request', `${name}: ${summarise(parsed.error.issues)}`, parsed.error.issues);
    let result: unknown;
    try {
      const handler = this.handlers[name] as (p: unknown) => unknown;
      result = await handler(parsed.data);
    } catch (e) {
      throw toApiError(e);
    }
    const checked = schema.result.safeParse(result);
    if (!checked.success)
      throw new ApiError('internal', `${name}: result does not match the contract`, checked.error.issues);
    return checked.data as Result<K>;
  }

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  on(event: '*', listener: (payload: unknown, event: EventName) => void): Unsubscribe;
  on(event: string, listener: (payload: never, event: EventName) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    const checked = eventSchemas[event].safeParse(payload);
    if (!checked.success) {
      console.error(`spcxr: event '${event}' does not match the contract`, checked.error.issues);
      return;
    }
    for (const key of [event, '*'])
      for (const l of this.listeners.get(key) ?? [])
        (l as (p: unknown, e: EventName) => void)(checked.data, event);
  }

  current(): ProjectSession | null {
    return this.sess;
  }

  close(): void {
    if (this.sess) stopRetrain(this.sess);
    this.jobs.close();
    this.sess?.close();
    this.sess = null;
  }
}

function summarise(issues: Array<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'params'}: ${i.message}`)
    .join('; ');
}

/** Core errors carry their contract code (`src/core/errors.ts`); anything else is internal. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof CoreError) return new ApiError(e.code, e.message);
  // Two refusals that name a file keep their own classes (imaging and export paths).
  if (e instanceof UnsafeExportPathError) return new ApiError('forbidden', e.message);
  if (e instanceof ImageDecodeError) return new ApiError('bad_request', e.message);
  return ApiError.from(e);
}
