/**
 * Typed clients over the contract, for the renderer (browser or Electron) and for Node tests.
 * Both validate results and events with the zod schemas, so a transport bug shows up as a
 * clear error at the boundary instead of a wrong value deep in the UI.
 */
import type {
  ApiClient,
  ApiEvents,
  ConnectionState,
  EventName,
  RequestName,
  Result,
  Unsubscribe,
} from './contract.ts';
import { ApiError } from './contract.ts';
import { eventSchemas, requestSchemas } from './schemas.ts';
import { EventMessage, HTTP, Reply, type SpcxrBridge } from './wire.ts';

type Listener = (payload: unknown) => void;

/** Validates a reply and returns the typed result or throws `ApiError`. */
export function unwrapReply<K extends RequestName>(name: K, raw: unknown): Result<K> {
  const reply = Reply.safeParse(raw);
  if (!reply.success)
    throw new ApiError('internal', `${name}: malformed reply from server`, reply.error.issues);
  if (!reply.data.ok)
    throw new ApiError(reply.data.error.code, reply.data.error.message, reply.data.error.details);
  const result = requestSchemas[name].result.safeParse(reply.data.result);
  if (!result.success)
    throw new ApiError('internal', `${name}: result does not match the contract`, result.error.issues);
  return result.data as Result<K>;
}

/** Fans events out to listeners after validating them; unknown or malformed events are dropped loudly. */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener);
    return () => {
      set.delete(listener as Listener);
    };
  }

  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  dispatch(event: string, payload: unknown): void {
    const schema = (eventSchemas as Record<string, (typeof eventSchemas)[EventName]>)[event];
    if (!schema) {
      console.warn(`spcxr: unknown event '${event}'`);
      return;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      console.warn(`spcxr: event '${event}' does not match the contract`, parsed.error.issues);
      return;
    }
    for (const l of this.listeners.get(event) ?? []) l(parsed.data);
  }
}

export interface HttpClientOptions {
  /** e.g. 'http://127.0.0.1:4312'; '' (default) = same origin as the page. */
  baseUrl?: string;
  /** Sent as a bearer token (Node); browsers rely on the HttpOnly cookie set on first load. */
  token?: string;
  fetch?: typeof fetch;
  /** WebSocket factory; defaults to the global WebSocket (browsers). Node tests pass `ws`. */
  webSocket?: (url: string, headers: Record<string, string>) => WebSocketLike;
}

/** The subset of the WebSocket API used here (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  onopen?: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(): void;
}

/** Client for `spcxr serve`: requests over fetch, events over one WebSocket (reconnecting). */
export function createHttpClient(opts: HttpClientOptions = {}): ApiClient {
  const base = opts.baseUrl ?? '';
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const hub = new EventHub();
  let socket: WebSocketLike | null = null;
  let closed = false;
  let retry = 0;
  let conn: ConnectionState = 'connecting';
  const connListeners = new Set<(s: ConnectionState) => void>();
  const setConn = (s: ConnectionState) => {
    if (s === conn || closed) return;
    conn = s;
    for (const l of connListeners) l(s);
  };
  /** Why the event socket closed: no answer at all, or a server that refuses our token. */
  const probe = async () => {
    try {
      const res = await doFetch(base + HTTP.invoke('app.info'), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{}',
        credentials: 'same-origin',
      });
      if (res.status === 401) setConn('unauthorized');
    } catch {
      setConn('offline');
    }
  };

  const wsUrl = () => {
    const origin = base || (typeof location !== 'undefined' ? location.origin : '');
    return origin.replace(/^http/, 'ws') + HTTP.events;
  };
  const connect = () => {
    if (closed || socket) return;
    const make =
      opts.webSocket ??
      ((url: string) =>
        new (globalThis as unknown as { WebSocket: new (u: string) => WebSocketLike }).WebSocket(url));
    const ws = make(wsUrl(), headers);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      setConn('online');
    };
    ws.onmessage = (ev) => {
      retry = 0;
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      const parsed = EventMessage.safeParse(msg);
      if (parsed.success) hub.dispatch(parsed.data.event, parsed.data.payload);
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      socket = null;
      if (!closed) void probe();
      // Reconnect with capped backoff: the server may be restarting; events resume when it is back.
      if (!closed && hub.size > 0) setTimeout(connect, Math.min(5000, 200 * 2 ** retry++));
    };
  };

  return {
    async invoke(name, ...args) {
      let res: Response;
      try {
        res = await doFetch(base + HTTP.invoke(name), {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(args[0] ?? {}),
          credentials: 'same-origin',
        });
      } catch (e) {
        setConn('offline');
        throw new ApiError(
          'internal',
          `${name}: cannot reach the SPCXR server (${(e as Error).message}); is 'spcxr serve' still running?`,
        );
      }
      if (res.status === 401) setConn('unauthorized');
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ApiError(res.status === 401 ? 'unauthorized' : 'internal', `${name}: HTTP ${res.status}`);
      }
      return unwrapReply(name, body);
    },
    on(event, listener) {
      const off = hub.on(event, listener);
      connect();
      return off;
    },
    onConnection(listener) {
      connListeners.add(listener);
      listener(conn);
      return () => {
        connListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      socket?.close();
      socket = null;
    },
  };
}

/** Client over the Electron preload bridge (`window.spcxr`). */
export function createPreloadClient(bridge: SpcxrBridge): ApiClient {
  const hub = new EventHub();
  const offs: Array<() => void> = [];
  const subscribed = new Set<string>();
  return {
    async invoke(name, ...args) {
      return unwrapReply(name, await bridge.invoke(name, args[0] ?? {}));
    },
    on(event, listener) {
      if (!subscribed.has(event)) {
        subscribed.add(event);
        offs.push(bridge.on(event, (payload) => hub.dispatch(event, payload)));
      }
      return hub.on(event, listener);
    },
    close() {
      for (const off of offs.splice(0)) off();
      subscribed.clear();
    },
  };
}

/** Picks the transport the renderer runs under: the preload bridge in Electron, else HTTP. */
export function createDefaultClient(): ApiClient {
  const bridge = (globalThis as { spcxr?: SpcxrBridge }).spcxr;
  return bridge ? createPreloadClient(bridge) : createHttpClient();
}
