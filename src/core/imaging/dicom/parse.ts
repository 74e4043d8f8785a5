import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import type { DataSet } from 'dicom-parser';
import { rawDatasetSyntax, type SniffedKind } from '../sniff.ts';
import { IMAGE_LIMITS, ImageDecodeError } from '../types.ts';

const require = createRequire(import.meta.url);
export const dicomParser = require('dicom-parser') as typeof import('dicom-parser');

function message(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  const inner = (e as { exception?: unknown })?.exception;
  return inner !== undefined ? message(inner) : String(e);
}

/** Largest inflated Deflated Explicit VR dataset accepted (the header is inside, so no better bound). */
const MAX_INFLATED = IMAGE_LIMITS.maxInflatedBytes;

function explain(m: string): string {
  if (
    /buffer overrun|read past end of buffer|cannot be greater than or equal to 'byteArray' length/.test(m)
  ) {
    return 'the file ends inside a data element (cut short)';
  }
  return m.replace(/^dicomParser[.:]\w+: /, '');
}

// Explicit VRs with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2).
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
// dicom-parser 1.8 predates these (2019) and misreads their length: relabel them UN.
const NEW_VRS = new Set(['OV', 'SV', 'UV']);

/**
 * Walks an Explicit VR Little Endian dataset (into sequences and items, defined or undefined
 * length) and relabels OV/SV/UV elements as UN (same layout) so dicom-parser can step over
 * them. Returns a patched copy, or undefined when there was nothing to patch.
 */
function relabelNewVrs(buf: Buffer): Buffer | undefined {
  let patched: Buffer | undefined;
  // Returns the position after the dataset; stops at an item or sequence delimiter.
  const walk = (start: number, end: number): number => {
    let p = start;
    while (p + 8 <= end) {
      const group = buf.readUInt16LE(p);
      if (group === 0xfffe) return p;
      const vr = buf.toString('latin1', p + 4, p + 6);
      if (group === 0x7fe0 || !/^[A-Z]{2}$/.test(vr)) return end;
      if (!LONG_VRS.has(vr)) {
        p += 8 + buf.readUInt16LE(p + 6);
        continue;
      }
      if (p + 12 > end) return end;
      const len = buf.readUInt32LE(p + 8);
      if (NEW_VRS.has(vr)) {
        patched ??= Buffer.from(buf);
        patched.write('UN', p + 4, 'latin1');
      }
      p += 12;
      if (vr !== 'SQ') {
        if (len === 0xffffffff) return end;
        p += len;
        continue;
      }
      const seqEnd = len === 0xffffffff ? end : Math.min(end, p + len);
      while (p + 8 <= seqEnd && buf.readUInt16LE(p) === 0xfffe) {
        const elem = buf.readUInt16LE(p + 2);
        const ilen = buf.readUInt32LE(p + 4);
        p += 8;
        if (elem === 0xe0dd) break;
        if (elem !== 0xe000) return end;
        const itemEnd = ilen === 0xffffffff ? seqEnd : Math.min(seqEnd, p + ilen);
        p = walk(p, itemEnd);
        if (ilen === 0xffffffff) p += 8; // item delimiter
      }
    }
    return p;
  };
  walk(132, buf.length);
  return patched;
}

/** The first (0002,0010) in the File Meta: some writers repeat the meta group, with other values. */
function firstMetaSyntax(buf: Buffer): string | undefined {
  let p = 132;
  while (p + 8 <= buf.length && buf.readUInt16LE(p) === 0x0002) {
    const elem = buf.readUInt16LE(p + 2);
    const vr = buf.toString('latin1', p + 4, p + 6);
    const long = LONG_VRS.has(vr);
    if (p + (long ? 12 : 8) > buf.length) return undefined;
    const len = long ? buf.readUInt32LE(p + 8) : buf.readUInt16LE(p + 6);
    const start = p + (long ? 12 : 8);
    if (elem === 0x0010)
      return buf
        .toString('latin1', start, start + len)
        .replace(/\0/g, '')
        .trim();
    p = start + len;
  }
  return undefined;
}

export interface ParsedDicom {
  ds: DataSet;
  transferSyntax: string;
  warnings: string[];
}

/**
 * Parses DICOM Part 10 (with or without the 128-byte preamble) or a bare dataset without File
 * Meta (Implicit or Explicit VR Little Endian, guessed from the first element). Deflate and big
 * endian are handled by dicom-parser; `untilTag` stops before the pixel data for probing.
 */
export function parseDataset(
  bytes: Uint8Array,
  file: string,
  kind: SniffedKind,
  untilTag?: string,
): ParsedDicom {
  let buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const options: { untilTag?: string; TransferSyntaxUID?: string } = {};
  if (untilTag) options.untilTag = untilTag;
  if (kind === 'dicom-nopreamble') {
    const padded = Buffer.alloc(buf.length + 128);
    buf.copy(padded, 128);
    buf = padded;
  } else if (kind === 'dicom-raw') {
    options.TransferSyntaxUID = rawDatasetSyntax(buf);
  }
  // Our own inflater, so a deflated dataset cannot balloon without bound (a zip bomb).
  (options as { inflater?: unknown }).inflater = (arr: Buffer, position: number) => {
    let inflated: Buffer;
    try {
      inflated = inflateRawSync(arr.subarray(position), { maxOutputLength: MAX_INFLATED });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ImageDecodeError(
          file,
          `deflated dataset inflates beyond ${MAX_INFLATED >> 20} MiB: refused as a possible decompression bomb`,
        );
      }
      throw e;
    }
    const full = Buffer.alloc(position + inflated.length);
    arr.copy(full, 0, 0, position);
    inflated.copy(full, position);
    return full;
  };
  const warnings: string[] = [];
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(buf, options);
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    const m = message(e);
    if (/0002,0010/.test(m)) {
      throw new ImageDecodeError(file, 'corrupt DICOM: File Meta has no Transfer Syntax UID (0002,0010)');
    }
    const patched = kind === 'dicom-raw' ? undefined : relabelNewVrs(buf);
    if (!patched) throw new ImageDecodeError(file, `truncated or corrupt DICOM: ${explain(m)}`);
    try {
      ds = dicomParser.parseDicom(patched, options);
    } catch (e2) {
      throw new ImageDecodeError(file, `truncated or corrupt DICOM: ${explain(message(e2))}`);
    }
  }
  const metaTs = options.TransferSyntaxUID ?? firstMetaSyntax(buf);
  const lastTs = ((ds.elements.x00020010 as { Value?: string }).Value ?? ds.string('x00020010') ?? '').trim();
  if (metaTs && lastTs && metaTs !== lastTs) {
    warnings.push(`File Meta repeated with a different Transfer Syntax UID: using the first (${metaTs})`);
  }
  for (const w of ds.warnings ?? []) {
    warnings.push(
      /missing sequence delimiter/.test(w) ? 'truncated encapsulated Pixel Data (no sequence delimiter)' : w,
    );
  }
  return { ds, transferSyntax: metaTs ?? lastTs ?? '1.2.840.10008.1.2', warnings };
}
