/**
 * A minimal zip writer (deflate, UTF-8 names, no zip64) so a folder export can be downloaded as
 * one file from `spcxr serve`. Exports are masks and CSVs, far below the 4 GiB zip32 limit, which
 * is checked rather than assumed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const DOS_DATE_1980 = 0x21; // 1980-01-01: exports carry no meaningful per-file times.
const LIMIT = 0xffff_ffff;

export function zipEntries(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const packed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE_1980, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
    if (offset > LIMIT || e.data.length > LIMIT) throw new Error('export is too large to zip (over 4 GiB)');
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  if (entries.length > 0xffff) throw new Error('export has too many files to zip (over 65,535)');
  return Buffer.concat([...locals, cd, end]);
}

/** Every regular file under `dir` (symlinks are not followed), named relative to it with '/'. */
export function zipFolder(dir: string): Buffer {
  const entries: Array<{ name: string; data: Buffer }> = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile())
        entries.push({ name: path.relative(dir, p).split(path.sep).join('/'), data: readFileSync(p) });
    }
  };
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  walk(dir);
  return zipEntries(entries);
}
