/**
 * A decompression-bomb corpus, generated on demand (nothing hostile is committed): small files
 * that declare or inflate to gigabytes. Used by test/imaging/bombs.test.ts and
 * bench/bombs/rss.ts. Each entry says what a safe importer must do with it.
 */
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { crc32, createDeflate, createDeflateRaw } from 'node:zlib';
import sharp from 'sharp';

export interface Bomb {
  name: string;
  /** What it is, for the benchmark table. */
  what: string;
  /** Imported as a manifest row with this mask instead of as an image. */
  mask?: string;
}

const u16 = (v: number) => Buffer.from([v & 255, v >> 8]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};
/** Explicit VR little endian element with a 2-byte length. */
const el = (g: number, e: number, vr: string, value: Buffer) => {
  const v = value.length % 2 ? Buffer.concat([value, Buffer.from([vr === 'UI' ? 0 : 0x20])]) : value;
  return Buffer.concat([u16(g), u16(e), Buffer.from(vr, 'latin1'), u16(v.length), v]);
};
const str = (s: string) => Buffer.from(s, 'latin1');

function fileMeta(ts: string): Buffer {
  const body = Buffer.concat([
    el(2, 0x0001, 'OB', Buffer.alloc(0)).subarray(0, 0), // keep group minimal
    el(2, 0x0002, 'UI', str('1.2.840.10008.5.1.4.1.1.1.1')),
    el(2, 0x0003, 'UI', str('1.2.3.4.5.6.7.8.9')),
    el(2, 0x0010, 'UI', str(ts)),
  ]);
  const len = el(2, 0x0000, 'UL', u32(body.length));
  return Buffer.concat([Buffer.alloc(128), str('DICM'), len, body]);
}

/** Image pixel module of a grey image, then the Pixel Data header for `pixelBytes` bytes. */
function imageHeader(rows: number, cols: number, pixelBytes: number, pixelRep = 0): Buffer {
  return Buffer.concat([
    el(0x0010, 0x0020, 'LO', str('BOMB')),
    el(0x0028, 0x0002, 'US', u16(1)),
    el(0x0028, 0x0004, 'CS', str('MONOCHROME2')),
    el(0x0028, 0x0010, 'US', u16(rows)),
    el(0x0028, 0x0011, 'US', u16(cols)),
    el(0x0028, 0x0100, 'US', u16(16)),
    el(0x0028, 0x0101, 'US', u16(12)),
    el(0x0028, 0x0102, 'US', u16(11)),
    el(0x0028, 0x0103, 'US', u16(pixelRep)),
    Buffer.concat([u16(0x7fe0), u16(0x0010), str('OW'), Buffer.alloc(2), u32(pixelBytes)]),
  ]);
}

/** Streams `total` zero bytes through a deflater into `file` after `head`, 1 MiB at a time. */
async function deflateZeros(file: string, head: Buffer, prefix: Buffer, total: number, raw: boolean) {
  const out = createWriteStream(file);
  out.write(head);
  const z = raw ? createDeflateRaw({ level: 1 }) : createDeflate({ level: 1 });
  z.pipe(out);
  z.write(prefix);
  const chunk = Buffer.alloc(1 << 20);
  for (let left = total; left > 0; left -= chunk.length) {
    if (!z.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await once(z, 'drain');
  }
  z.end();
  await once(out, 'finish');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([str(type), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A valid PNG of zeros (filter 0 rows), written with a streaming zlib. */
async function zeroPng(
  file: string,
  w: number,
  h: number,
  depth: number,
  colourType: number,
  channels: number,
) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = depth;
  ihdr[9] = colourType;
  const rowBytes = 1 + Math.ceil((w * channels * depth) / 8);
  const tmp = `${file}.idat`;
  await deflateZeros(tmp, Buffer.alloc(0), Buffer.alloc(0), rowBytes * h, false);
  const { readFileSync, rmSync } = await import('node:fs');
  const idat = readFileSync(tmp);
  rmSync(tmp);
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  writeFileSync(
    file,
    Buffer.concat([sig, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]),
  );
}

export const BOMBS: Bomb[] = [
  { name: 'deflate-1g.dcm', what: 'Deflated DICOM, 512×512 declared, dataset inflates to 1.2 GB' },
  { name: 'deflate-big-dims.dcm', what: 'Deflated DICOM, 16000×16000 16-bit declared (512 MB of pixels)' },
  { name: 'huge-dims.dcm', what: 'DICOM declaring 65535×65535, 1 KB of pixel data' },
  { name: 'rgba16-14000.png', what: 'PNG RGBA 16-bit 14000×14000 (1.5 GB decoded)' },
  { name: 'grey-14000.jpg', what: 'JPEG grey 14000×14000 (196 MP)' },
  { name: 'sparse-1.9g.dcm', what: '1.9 GB (sparse) file with a DICOM header' },
  { name: 'pixrep7.dcm', what: 'DICOM with PixelRepresentation = 7' },
  { name: 'one-pixel-387k.dcm', what: 'DICOM 1×1 with 387 KB of pixel data' },
  {
    name: 'rgba16-5600.png',
    what: 'PNG RGBA 16-bit 5600×5600: the largest colour PNG accepted (251 MB decoded)',
  },
  { name: 'grey16-8000.png', what: 'PNG grey 16-bit 8000×8000: 64 MP, the largest image accepted' },
  {
    name: 'rgba16-5600-b.png',
    what: 'PNG RGBA 16-bit 5599×5600 (a second large colour PNG, for imports in parallel)',
  },
  {
    name: 'mask-host.png',
    mask: 'mask-bomb.png',
    what: 'manifest mask: 1-bit PNG 14000×14000 for a 64×64 image',
  },
];

/** Writes the corpus into `dir` (skipping files already there) and returns it. */
export async function makeBombCorpus(dir: string): Promise<Bomb[]> {
  mkdirSync(dir, { recursive: true });
  const at = (n: string) => path.join(dir, n);
  const todo = (n: string) => !existsSync(at(n));
  const DEFLATED = '1.2.840.10008.1.2.1.99';
  const EXPLICIT = '1.2.840.10008.1.2.1';
  if (todo('deflate-1g.dcm')) {
    const total = 1200 * 1024 * 1024;
    await deflateZeros(at('deflate-1g.dcm'), fileMeta(DEFLATED), imageHeader(512, 512, total), total, true);
  }
  if (todo('deflate-big-dims.dcm')) {
    const total = 16000 * 16000 * 2;
    await deflateZeros(
      at('deflate-big-dims.dcm'),
      fileMeta(DEFLATED),
      imageHeader(16000, 16000, total),
      total,
      true,
    );
  }
  if (todo('huge-dims.dcm'))
    writeFileSync(
      at('huge-dims.dcm'),
      Buffer.concat([fileMeta(EXPLICIT), imageHeader(65535, 65535, 1024), Buffer.alloc(1024)]),
    );
  if (todo('rgba16-14000.png')) await zeroPng(at('rgba16-14000.png'), 14000, 14000, 16, 6, 4);
  if (todo('rgba16-5600.png')) await zeroPng(at('rgba16-5600.png'), 5600, 5600, 16, 6, 4);
  if (todo('rgba16-5600-b.png')) await zeroPng(at('rgba16-5600-b.png'), 5599, 5600, 16, 6, 4);
  if (todo('grey16-8000.png')) await zeroPng(at('grey16-8000.png'), 8000, 8000, 16, 0, 1);
  if (todo('grey-14000.jpg'))
    await sharp({ create: { width: 14000, height: 14000, channels: 3, background: '#000' } })
      .greyscale()
      .jpeg({ quality: 10 })
      .toFile(at('grey-14000.jpg'));
  if (todo('sparse-1.9g.dcm')) {
    const head = Buffer.concat([fileMeta(EXPLICIT), imageHeader(512, 512, 512 * 512 * 2)]);
    writeFileSync(at('sparse-1.9g.dcm'), head);
    const fd = openSync(at('sparse-1.9g.dcm'), 'r+');
    ftruncateSync(fd, 1900 * 1024 * 1024);
    closeSync(fd);
  }
  if (todo('pixrep7.dcm'))
    writeFileSync(
      at('pixrep7.dcm'),
      Buffer.concat([fileMeta(EXPLICIT), imageHeader(64, 64, 64 * 64 * 2, 7), Buffer.alloc(64 * 64 * 2, 7)]),
    );
  if (todo('one-pixel-387k.dcm')) {
    const n = 387 * 1024;
    writeFileSync(
      at('one-pixel-387k.dcm'),
      Buffer.concat([fileMeta(EXPLICIT), imageHeader(1, 1, n), Buffer.alloc(n, 1)]),
    );
  }
  if (todo('mask-bomb.png')) await zeroPng(at('mask-bomb.png'), 14000, 14000, 1, 0, 1);
  if (todo('mask-host.png'))
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
      .greyscale()
      .png()
      .toFile(at('mask-host.png'));
  if (todo('manifest.csv')) writeFileSync(at('manifest.csv'), 'file,mask\nmask-host.png,mask-bomb.png\n');
  return BOMBS;
}
