/**
 * `app://renderer/...` serves the built renderer from inside the asar; `spcxr-image://media/...`
 * serves pixels of the open project by id (see core/api/media.ts). Both refuse paths outside
 * their root and answer with the CSP.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { resolveInside, serveMedia } from '../core/api/media.ts';
import type { ApiService } from '../core/api/service.ts';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, IMAGE_SCHEME } from './security.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** Must run before `app.whenReady()`: standard + secure so that fetch, CSP 'self' and wasm work. */
export function registerSchemes(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: IMAGE_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

function response(status: number, body: BodyInit | null, mime: string): Response {
  return new Response(body, {
    status,
    headers: {
      'Content-Type': mime,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Renderer file for an `app://renderer/<path>` URL, or null when outside the renderer folder. */
export function rendererFile(rendererDir: string, url: string): string | null {
  const u = new URL(url);
  if (u.host !== 'renderer') return null;
  const rel = u.pathname.replace(/^\/+/, '') || 'index.html';
  return resolveInside(rendererDir, rel);
}

export function handleProtocols(protocol: Protocol, rendererDir: string, service: ApiService): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const file = rendererFile(rendererDir, req.url);
    if (!file) return response(404, 'not found', 'text/plain');
    return response(
      200,
      new Uint8Array(await readFile(file)),
      MIME[path.extname(file)] ?? 'application/octet-stream',
    );
  });
  protocol.handle(IMAGE_SCHEME, async (req) => {
    const u = new URL(req.url);
    if (u.host !== 'media') return response(404, 'not found', 'text/plain');
    const r = await serveMedia(service.current(), u.pathname.slice(1), u.searchParams);
    return response(r.status, typeof r.body === 'string' ? r.body : new Uint8Array(r.body), r.mime);
  });
}
