/**
 * The one API contract between the core and every shell (Electron IPC, `spcxr serve`
 * HTTP/WebSocket, in-process). Requests: name → { params, result }; events: name → payload.
 * The shapes live as zod schemas in `schemas/*.ts` (listed in `schemas.ts`); the types here are
 * derived from them, so the runtime checks and the compile-time types cannot drift apart.
 *
 * Wire format (both remote transports):
 *   request  → { name, params }            reply → { ok: true, result } | { ok: false, error }
 *   event    → { event, payload }
 */
import type { z } from 'zod';
import type { ApiErrorBody } from './schemas/common.ts';
import type { eventSchemas, requestSchemas } from './schemas.ts';

type RS = typeof requestSchemas;
type ES = typeof eventSchemas;

/** Every request the renderer (or CLI, or tests) can make. */
export type ApiRequests = {
  [K in keyof RS]: { params: z.input<RS[K]['params']>; result: z.output<RS[K]['result']> };
};
/** Every event the core pushes to listeners. */
export type ApiEvents = { [E in keyof ES]: z.output<ES[E]> };

export type RequestName = keyof ApiRequests;
export type EventName = keyof ApiEvents;
export type Params<K extends RequestName> = ApiRequests[K]['params'];
export type Result<K extends RequestName> = ApiRequests[K]['result'];
/** Params after validation (defaults filled in): what implementations receive. */
export type ParsedParams<K extends RequestName> = z.output<RS[K]['params']>;

type RequiredKeys<T> = { [P in keyof T]-?: undefined extends T[P] ? never : P }[keyof T];
/** Lets `invoke('project.info')` omit params when none are required (empty strict objects have
 * an index signature of `never`, hence the `string extends keyof` case). */
export type ParamsArg<K extends RequestName> = string extends keyof Params<K>
  ? [params?: Params<K>]
  : [RequiredKeys<Params<K>>] extends [never]
    ? [params?: Params<K>]
    : [params: Params<K>];

export type Unsubscribe = () => void;

/** What the renderer sees, whatever the transport. */
export interface ApiClient {
  invoke<K extends RequestName>(name: K, ...params: ParamsArg<K>): Promise<Result<K>>;
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  /** Release the connection (WebSocket) or listeners. */
  close(): void;
  /**
   * Whether the server can be reached (HTTP transport only: in Electron the core runs with the
   * window). The listener gets the current state at once, then every change.
   */
  onConnection?(listener: (state: ConnectionState) => void): Unsubscribe;
}

/**
 * 'offline': the server does not answer (stopped, restarting); 'unauthorized': a server answers
 * but refuses this tab's token (it was restarted with a new one).
 */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'unauthorized';

/** Server side: one handler per request, fed validated params. */
export type ApiHandlers = {
  [K in RequestName]: (params: ParsedParams<K>) => Promise<Result<K>> | Result<K>;
};

export type ApiErrorCode = ApiErrorBody['code'];

/** Error thrown by handlers and rethrown by clients, with a code every transport preserves. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }

  static from(e: unknown): ApiError {
    if (e instanceof ApiError) return e;
    return new ApiError('internal', e instanceof Error ? e.message : String(e));
  }
}

export type { Settings } from './schemas/app.ts';
export type { ImageDetail, ImageQuery, ImageSummary, LabelStatus } from './schemas/images.ts';
export type { JobInfo, JobKind } from './schemas/jobs.ts';
export type { ModelDetail, ModelSummary } from './schemas/models.ts';
export type { ClassDef, ExecutionProvider, ProjectInfo } from './schemas/project.ts';
export type { Suggestion } from './schemas/suggest.ts';
export type { ApiErrorBody };
