/**
 * Token auth for `spcxr serve`. The token is random per run, shown once; a browser trades it
 * for an HttpOnly, SameSite=Strict cookie on its first page load, scripts and tests send it as
 * a bearer header. Comparison is constant-time over fixed-length digests.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HTTP } from '../core/api/wire.ts';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant-time equality whatever the lengths (hashing first equalises them). */
export function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  return timingSafeEqual(digest(given), digest(token));
}

/**
 * The session cookie's name, one per server instance. Cookies are not scoped by port, so with
 * one shared name a second `spcxr serve` on 127.0.0.1 would overwrite (log out) the first's
 * cookie. The suffix is a hash of the token: stable for the instance, reveals nothing of it.
 */
export function cookieName(token: string): string {
  return `${HTTP.cookie}_${createHash('sha256').update(`cookie-name:${token}`).digest('hex').slice(0, 16)}`;
}

export function cookieToken(req: IncomingMessage, token: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = cookieName(token);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

export function isAuthorised(req: IncomingMessage, token: string): boolean {
  return tokenMatches(bearerToken(req), token) || tokenMatches(cookieToken(req, token), token);
}

export function sessionCookie(token: string): string {
  return `${cookieName(token)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * Requests must name this server by loopback address: a page on another site that rebinds its
 * DNS name to 127.0.0.1 sends its own Host and is refused (DNS-rebinding protection).
 */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host;
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** Cross-site requests (a browser sends Origin) must come from this server's own origin. */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}
