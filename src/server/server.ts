/**
 * `spcxr serve`: the API contract over HTTP (POST /api/invoke/<name>) and WebSocket events
 * (/api/events), the built renderer, media by id, and uploads, on 127.0.0.1 only. Every
 * request needs the token (bearer header or the cookie set on the first page load).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { isRequestName } from '../core/api/channels.ts';
import type { ApiErrorCode } from '../core/api/contract.ts';
import { invokeToReply } from '../core/api/in-process.ts';
import { serveMedia } from '../core/api/media.ts';
import type { ApiService } from '../core/api/service.ts';
import { MEDIA_PREFIX } from '../core/api/urls.ts';
import { HTTP } from '../core/api/wire.ts';
import { hostAllowed, isAuthorised, originAllowed, sessionCookie, tokenMatches } from './auth.ts';
import { BodyError, checkDeclared, readJsonBody } from './body.ts';
import { securityHeaders, send } from './headers.ts';
import { signedOutPage, wantsPage } from './signed-out.ts';
import { staticFile } from './static.ts';
import { MAX_UPLOAD_BYTES, receiveUpload } from './upload.ts';

export const LOOPBACK = '127.0.0.1';

export interface ServeOptions {
  service: ApiService;
  token: string;
  rendererDir: string;
  port?: number;
  host?: string;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Refuses anything but the IPv4 loopback: the token is the only other line of defence. */
export function checkHost(host: string | undefined): string {
  if (host === undefined || host === LOOPBACK || host === 'localhost') return LOOPBACK;
  throw new Error(
    `refusing to listen on '${host}': spcxr serve binds to ${LOOPBACK} only. ` +
      'To use it from another machine, tunnel it: ssh -L PORT:127.0.0.1:PORT this-host',
  );
}

const STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  not_found: 404,
  conflict: 409,
  no_project: 409,
  unauthorized: 401,
  forbidden: 403,
  cancelled: 409,
  worker_crashed: 500,
  internal: 500,
};

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const host = checkHost(opts.host);
  const { service, token } = opts;
  let port = 0;
  const json = (res: ServerResponse, status: number, body: unknown) =>
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
  const denied = (res: ServerResponse, status: number, message: string) =>
    json(res, status, { ok: false, error: { code: status === 401 ? 'unauthorized' : 'forbidden', message } });

  /** A refused body is the client's error (4xx, or 503 when the shared budget is full). */
  const bodyRefused = (res: ServerResponse, e: unknown) => {
    if (!(e instanceof BodyError)) throw e;
    // Stop reading what the client is still sending; answer and close.
    res.setHeader('Connection', 'close');
    return json(res, e.status, { ok: false, error: { code: 'bad_request', message: e.message } });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    securityHeaders(res, port);
    if (!hostAllowed(req, port)) return denied(res, 403, 'unexpected Host header');
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}:${port}`);
    const rawPath = (req.url ?? '/').split('?')[0];
    // First page load: trade the token in the URL for a cookie, then drop it from the address bar.
    const given = url.searchParams.get(HTTP.tokenQuery);
    if (req.method === 'GET' && given !== null) {
      if (!tokenMatches(given, token)) {
        if (wantsPage(req, rawPath)) return send(res, 401, 'text/html; charset=utf-8', signedOutPage(port));
        return denied(res, 401, 'wrong token');
      }
      res.setHeader('Set-Cookie', sessionCookie(token));
      res.statusCode = 303;
      // Same-origin path only: '//host' would be a protocol-relative redirect elsewhere.
      res.setHeader('Location', `/${rawPath.replace(/^[/\\]+/, '')}`);
      return res.end();
    }
    if (!isAuthorised(req, token)) {
      if (wantsPage(req, rawPath)) return send(res, 401, 'text/html; charset=utf-8', signedOutPage(port));
      return denied(res, 401, "missing or wrong token: open the URL that 'spcxr serve' printed");
    }
    if (!originAllowed(req, port)) return denied(res, 403, 'cross-origin request refused');
    res.setHeader('Cache-Control', 'no-store');

    if (rawPath.startsWith('/api/invoke/')) {
      if (req.method !== 'POST') return denied(res, 403, 'use POST');
      const name = rawPath.slice('/api/invoke/'.length);
      if (!isRequestName(name))
        return json(res, 404, {
          ok: false,
          error: { code: 'not_found', message: `unknown request '${name}'` },
        });
      let params: unknown;
      try {
        params = await readJsonBody(req);
      } catch (e) {
        return bodyRefused(res, e);
      }
      const reply = await invokeToReply(service, name, params);
      return json(res, reply.ok ? 200 : STATUS[reply.error.code], reply);
    }
    if (rawPath === '/api/upload') {
      if (req.method !== 'POST') return denied(res, 403, 'use POST');
      const s = service.current();
      if (!s)
        return json(res, 409, { ok: false, error: { code: 'no_project', message: 'no project is open' } });
      try {
        checkDeclared(req, MAX_UPLOAD_BYTES, 'upload');
        const file = await receiveUpload(req, s.dir, url.searchParams.get('name') ?? 'upload');
        return json(res, 200, { path: file });
      } catch (e) {
        return bodyRefused(res, e);
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return denied(res, 403, 'method not allowed');
    if (rawPath.startsWith(MEDIA_PREFIX.http)) {
      const r = await serveMedia(
        service.current(),
        rawPath.slice(MEDIA_PREFIX.http.length),
        url.searchParams,
      );
      return send(res, r.status, r.mime, r.body);
    }
    const f = await staticFile(opts.rendererDir, rawPath);
    return send(res, f.status, f.mime, f.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'internal', message: e.message } });
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (
      path !== HTTP.events ||
      !hostAllowed(req, port) ||
      !originAllowed(req, port) ||
      !isAuthorised(req, token)
    ) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const off = service.on('*', (payload, event) => {
    const msg = JSON.stringify({ event, payload });
    for (const c of wss.clients) if (c.readyState === c.OPEN) c.send(msg);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${LOOPBACK}:${port}/?${HTTP.tokenQuery}=${token}`,
    async close() {
      off();
      for (const c of wss.clients) c.terminate();
      wss.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}
