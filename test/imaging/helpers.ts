import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedData = path.resolve(repoRoot, '../shared/data');
export const dicomRoot = path.join(sharedData, 'dicom');
export const cxrRoot = path.join(sharedData, 'cxr');
export const brokenDir = path.join(repoRoot, 'test/fixtures/broken');

/** RFC 4180 CSV (quoted fields with commas, doubled quotes, newlines) → rows of named fields. */
export function readCsv(file: string): Record<string, string>[] {
  const t = readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let f = '';
  let q = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (q) {
      if (c === '"' && t[i + 1] === '"') {
        f += '"';
        i++;
      } else if (c === '"') q = false;
      else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(f);
      f = '';
    } else if (c === '\n') {
      row.push(f);
      rows.push(row);
      row = [];
      f = '';
    } else if (c !== '\r') f += c;
  }
  if (f || row.length) rows.push([...row, f]);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

/** A reference PNG as 8-bit luminance (colour references via the same ITU-R 601 weights). */
export async function refLuma(file: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const c = info.channels;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = i * c;
    out[i] = c >= 3 ? (data[j] * 19595 + data[j + 1] * 38470 + data[j + 2] * 7471 + 0x8000) / 65536 : data[j];
  }
  return { data: out, width: info.width, height: info.height };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Runs Debian's python3 (the one with PIL and numpy) and returns its stdout. */
export function python(code: string, input?: Buffer): Buffer {
  return execFileSync('/usr/bin/python3', ['-c', code], { input, maxBuffer: 256 * 1024 * 1024 });
}
