/**
 * The worker's resident feature matrix on disk (`cache/resident-<layer>-<view>.f16`): a new
 * worker loads a 50k-image layer in one read instead of 50k SQLite rows. Derived data, like the
 * feature cache it is copied from: a file that is missing, truncated, corrupt, stale or made
 * from another cache is never used, only reported and rebuilt from the cache.
 *
 * Layout, little-endian: magic `SPCXRRM\0` · header length H (u32) · header JSON, padded with
 * spaces so the arrays start on a multiple of 8 · image ids (int32 × n) · covered flags
 * (uint8 × n, padded to even) · values (float16 bits, uint16 × n·dim, row-major). The header
 * names the cache (its random id and write version), the encoder, layer and view, the shape, and
 * the CRC-32 of everything after it.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { FILE_MODE } from './private-files.ts';
import { CACHE_DIR, type IntegrityProblem } from './types.ts';

const MAGIC = Buffer.from('SPCXRRM\0', 'latin1');
const FORMAT = 1;

/** What a file must have been made from to be used: this cache, at its current version. */
export interface ResidentKey {
  cacheId: string;
  version: number;
  encoderId: string;
  layer: string;
  view: number;
}

export interface ResidentLayer {
  /** Image id of each row, ascending. */
  ids: Int32Array;
  dim: number;
  /** Row-major [ids.length × dim] float16 bits. */
  data: Uint16Array;
  /** 1 where the row's image had every layer a suggestion pass needs when the file was written. */
  covered: Uint8Array;
}

interface Header extends ResidentKey {
  format: number;
  n: number;
  dim: number;
  crc: number;
}

export type ResidentRead =
  | { ok: true; layer: ResidentLayer }
  | { ok: false; problem: 'missing' | 'stale' | 'foreign' | 'broken'; message: string };

export function residentFile(projectDir: string, layer: string, view: number): string {
  return path.join(projectDir, CACHE_DIR, `resident-${layer}-${view}.f16`);
}

function layout(headerLength: number, n: number) {
  const ids = align(MAGIC.length + 4 + headerLength, 8);
  const covered = ids + 4 * n;
  const data = align(covered + n, 2);
  return { ids, covered, data };
}

const align = (x: number, to: number) => Math.ceil(x / to) * to;

/**
 * Writes the file atomically (a temporary file renamed over it), so a reader sees the old
 * file or the new one, never half of one; an interrupted write leaves a temporary file only.
 */
export function writeResidentFile(file: string, key: ResidentKey, m: ResidentLayer): void {
  const n = m.ids.length;
  const body = [
    Buffer.from(m.ids.buffer, m.ids.byteOffset, m.ids.byteLength),
    Buffer.from(m.covered.buffer, m.covered.byteOffset, m.covered.byteLength),
    Buffer.alloc(n % 2),
    Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
  ];
  let crc = 0;
  for (const b of body) crc = crc32(b, crc);
  const header: Header = { format: FORMAT, ...pick(key), n, dim: m.dim, crc };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const at = layout(json.length, n);
  json = Buffer.concat([json, Buffer.alloc(at.ids - MAGIC.length - 4 - json.length, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const tmp = `${file}.${process.pid}.tmp`;
  // Private like every project file (private-files.ts): features derive from patients' images.
  const fd = openSync(tmp, 'w', FILE_MODE);
  try {
    for (const b of [MAGIC, len, json, ...body]) writeSync(fd, b);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

const pick = (k: ResidentKey): ResidentKey => ({
  cacheId: k.cacheId,
  version: k.version,
  encoderId: k.encoderId,
  layer: k.layer,
  view: k.view,
});

/**
 * Reads and checks the file against `key`: magic, header, size, CRC, then that it was made from
 * this cache (`foreign` otherwise) at its current version for this encoder, layer and view
 * (`stale` otherwise). The arrays are views into the one buffer read.
 */
export function readResidentFile(file: string, key: ResidentKey): ResidentRead {
  const name = path.basename(file);
  if (!existsSync(file)) return { ok: false, problem: 'missing', message: `${name} does not exist` };
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    return { ok: false, problem: 'broken', message: `${name} is unreadable: ${(e as Error).message}` };
  }
  const r = parse(buf, name);
  if (!r.ok) return r;
  const { h, at } = r;
  if (h.cacheId !== key.cacheId)
    return {
      ok: false,
      problem: 'foreign',
      message: `${name} was made from another feature cache (${h.cacheId.slice(0, 8)}, this one is ${key.cacheId.slice(0, 8)})`,
    };
  if (
    h.version !== key.version ||
    h.encoderId !== key.encoderId ||
    h.layer !== key.layer ||
    h.view !== key.view
  )
    return {
      ok: false,
      problem: 'stale',
      message: `${name} is out of date (cache version ${h.version}, now ${key.version}${h.encoderId === key.encoderId ? '' : '; another encoder'})`,
    };
  // readFileSync gives large files their own buffer; copy only if it were not aligned.
  const own = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  return {
    ok: true,
    layer: {
      ids: new Int32Array(own.buffer, own.byteOffset + at.ids, h.n),
      dim: h.dim,
      covered: new Uint8Array(own.buffer, own.byteOffset + at.covered, h.n),
      data: new Uint16Array(own.buffer, own.byteOffset + at.data, h.n * h.dim),
    },
  };
}

function parse(
  buf: Buffer,
  name: string,
):
  | { ok: true; h: Header; at: ReturnType<typeof layout> }
  | { ok: false; problem: 'broken'; message: string } {
  const broken = (why: string) => ({
    ok: false as const,
    problem: 'broken' as const,
    message: `${name} ${why}`,
  });
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC))
    return broken('is not a resident feature file (bad magic)');
  const hlen = buf.readUInt32LE(MAGIC.length);
  if (MAGIC.length + 4 + hlen > buf.length)
    return broken(`is truncated (${buf.length} bytes, header alone needs more)`);
  let h: Header;
  try {
    h = JSON.parse(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen).toString('utf8')) as Header;
  } catch {
    return broken('has an unreadable header');
  }
  if (h.format !== FORMAT) return broken(`has format ${h.format}, this app reads ${FORMAT}`);
  if (!(Number.isInteger(h.n) && h.n >= 0 && Number.isInteger(h.dim) && h.dim >= 0))
    return broken('has an invalid shape in its header');
  const at = layout(hlen, h.n);
  const size = at.data + 2 * h.n * h.dim;
  if (buf.length !== size)
    return broken(
      `is ${buf.length < size ? 'truncated' : 'too long'} (${buf.length} bytes, expected ${size})`,
    );
  if (crc32(buf.subarray(at.ids)) !== h.crc) return broken('is corrupt (checksum mismatch)');
  return { ok: true, h, at };
}

/**
 * The project's resident files that cannot be used however the cache stands (broken or from
 * another cache), for the full integrity check. Stale files are routine (features were
 * computed since) and not reported.
 */
export function checkResidentFiles(projectDir: string, cacheId: string): IntegrityProblem[] {
  const dir = path.join(projectDir, CACHE_DIR);
  if (!existsSync(dir)) return [];
  const out: IntegrityProblem[] = [];
  for (const f of readdirSync(dir)) {
    if (!/^resident-.*\.f16$/.test(f)) continue;
    const file = path.join(dir, f);
    let r: ReturnType<typeof parse>;
    try {
      r = parse(readFileSync(file), f);
    } catch (e) {
      r = { ok: false, problem: 'broken', message: `${f} is unreadable: ${(e as Error).message}` };
    }
    const message = !r.ok
      ? r.message
      : r.h.cacheId !== cacheId
        ? `${f} was made from another feature cache`
        : null;
    if (message)
      out.push({
        kind: 'features',
        message: `resident feature file ${CACHE_DIR}/${message}; it is not used, and the next suggestion pass rebuilds it from the feature cache`,
        path: file,
      });
  }
  return out;
}
