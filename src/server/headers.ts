import type { ServerResponse } from 'node:http';
import { contentSecurityPolicy } from '../core/api/csp.ts';

/** The renderer's policy, plus this server's WebSocket for events. */
export function serverCsp(port: number): string {
  return contentSecurityPolicy({ connect: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] });
}

export function securityHeaders(res: ServerResponse, port: number): void {
  res.setHeader('Content-Security-Policy', serverCsp(port));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), usb=(), serial=()');
}

export function send(res: ServerResponse, status: number, mime: string, body: string | Uint8Array): void {
  res.statusCode = status;
  res.setHeader('Content-Type', mime);
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.end(body);
}
