/**
 * Request bodies for `spcxr serve`, bounded: a declared Content-Length over the cap is refused
 * before a byte is read, a body that turns out larger is cut off at the cap, and all bodies
 * being read at once share one budget, so a handful of parallel requests cannot take gigabytes.
 */
import type { IncomingMessage } from 'node:http';

/** Largest JSON request (a full-image mask edit of a 4k × 4k image is ~2 MB of base64 PNG). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** All JSON bodies being read at the same time. */
export const MAX_INFLIGHT_JSON_BYTES = 64 * 1024 * 1024;

/** A request the client must change: answered with `status`, never a 500. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 411 | 413 | 503,
    message: string,
  ) {
    super(message);
  }
}

let inflight = 0;

/** The declared length, or undefined for a chunked body; a malformed header is a 400. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const h = req.headers['content-length'];
  if (h === undefined) return undefined;
  if (!/^\d+$/.test(h)) throw new BodyError(400, 'malformed Content-Length');
  return Number(h);
}

/** Refuses a declared body over `limit` at once (before any byte is read). */
export function checkDeclared(req: IncomingMessage, limit: number, what: string): void {
  const n = declaredLength(req);
  if (n !== undefined && n > limit)
    throw new BodyError(413, `${what} of ${n} bytes is over the ${limit}-byte limit`);
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  checkDeclared(req, MAX_JSON_BYTES, 'request body');
  // Reserve the declared size (or the cap, for a chunked body) for the whole read.
  const reserve = declaredLength(req) ?? MAX_JSON_BYTES;
  if (inflight + reserve > MAX_INFLIGHT_JSON_BYTES)
    throw new BodyError(503, 'too many large requests at once; retry shortly');
  inflight += reserve;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > Math.min(reserve, MAX_JSON_BYTES))
        throw new BodyError(413, `request body is over the ${MAX_JSON_BYTES}-byte limit`);
      chunks.push(c as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      throw new BodyError(400, 'request body is not valid JSON');
    }
  } finally {
    inflight -= reserve;
  }
}

/** For tests: bytes reserved by bodies being read now. */
export function inflightJsonBytes(): number {
  return inflight;
}
