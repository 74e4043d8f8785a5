/**
 * Browser drag and drop in serve mode: a browser never reveals a dropped file's path, so the
 * file's bytes are staged under `<project>/.incoming/` and the UI passes the returned path to
 * `import.start`. Names are reduced to a safe base name; size is capped.
 */

import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { INCOMING_DIR } from '../core/import/incoming.ts';
import { BodyError } from './body.ts';

export { INCOMING_DIR };
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

export function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  const clean = base
    .replace(/[^A-Za-z0-9._ -]/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 120);
  return clean || 'upload';
}

export async function receiveUpload(req: IncomingMessage, projectDir: string, name: string): Promise<string> {
  const dir = path.join(projectDir, INCOMING_DIR, randomUUID());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, safeName(name));
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      cb(
        size > MAX_UPLOAD_BYTES
          ? new BodyError(413, `upload is over the ${MAX_UPLOAD_BYTES}-byte limit`)
          : null,
        chunk,
      );
    },
  });
  try {
    await pipeline(req, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return file;
}
