import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside } from '../core/api/media.ts';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  status: number;
  mime: string;
  body: Uint8Array | string;
}

/**
 * A file of the built renderer, by URL path (still encoded). Paths are resolved inside the
 * renderer folder only; unknown paths without an extension get index.html (client routing).
 */
export async function staticFile(rendererDir: string, urlPath: string): Promise<StaticFile> {
  const index = path.join(rendererDir, 'index.html');
  if (!existsSync(index))
    return {
      status: 503,
      mime: 'text/plain; charset=utf-8',
      body: `The renderer is not built (${index} is missing): run 'npm run build:renderer'.`,
    };
  const rel = urlPath.replace(/^\/+/, '');
  const file = rel ? resolveInside(rendererDir, rel) : index;
  if (file)
    return {
      status: 200,
      mime: MIME[path.extname(file)] ?? 'application/octet-stream',
      body: await readFile(file),
    };
  if (!path.extname(rel) && !rel.includes('%'))
    return { status: 200, mime: MIME['.html'], body: await readFile(index) };
  return { status: 404, mime: 'text/plain; charset=utf-8', body: 'not found' };
}
