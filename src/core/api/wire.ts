/** Messages on the wire for the remote transports (HTTP/WebSocket and Electron IPC). */
import { z } from 'zod';
import { ApiErrorBody } from './schemas/common.ts';

export const Reply = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorBody }),
]);
export type Reply = z.infer<typeof Reply>;

export const EventMessage = z.object({ event: z.string(), payload: z.unknown() });
export type EventMessage = z.infer<typeof EventMessage>;

/**
 * What the Electron preload exposes as `window.spcxr` (contextBridge). Deliberately untyped
 * strings: the renderer-side client in `client.ts` restores the contract types and validates.
 */
export interface SpcxrBridge {
  invoke(name: string, params: unknown): Promise<Reply>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Electron only: the real path of a dropped File (webUtils.getPathForFile). */
  pathForFile?(file: File): string;
  /** Electron only: native folder picker (new/open project); null when cancelled. */
  chooseFolder?(opts?: { title?: string; create?: boolean }): Promise<string | null>;
  /** Electron only: native picker for image files and folders to import. */
  chooseImages?(): Promise<string[]>;
  /** Electron only: commands from the native menu ('open-project', 'import', 'help', ...). */
  onMenu?(listener: (command: string) => void): () => void;
}

/** HTTP paths of `spcxr serve`. */
export const HTTP = {
  invoke: (name: string) => `/api/invoke/${name}`,
  events: '/api/events',
  /** Query parameter accepted once on the first page load; it is swapped for a cookie. */
  tokenQuery: 'token',
  /** Prefix of the session cookie's name; each server instance appends its own suffix. */
  cookie: 'spcxr_token',
} as const;
