import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import {
  checkFileSize,
  decodeBuffer,
  decodeMaskPng,
  encodeGrayPng,
  ImageDecodeError,
  makeThumbnail,
  renderDisplay,
  THUMBNAIL_MIME,
} from '../imaging/index.ts';
import { managedPath, type NewImage, TMP_DIR } from '../store/index.ts';
import type { ImportFailure, ImportItem } from './types.ts';
import { webpSize } from './webp-size.ts';

const EXT: Record<string, string> = { png: 'png', jpeg: 'jpg', dicom: 'dcm' };

/** An image read, hashed, decoded and (in copy mode) stored on disk, ready for its row. */
export interface Prepared {
  item: ImportItem;
  image: NewImage;
  maskPng?: Buffer;
  maskFailure?: ImportFailure;
}

/** Refuses what is not a regular file before opening it (a FIFO would block the read). */
async function readRegular(file: string): Promise<Buffer> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ImageDecodeError(file, code === 'ENOENT' ? 'file not found' : `cannot access (${code})`);
  }
  if (st.isDirectory()) throw new ImageDecodeError(file, 'is a folder, not an image file');
  if (!st.isFile()) throw new ImageDecodeError(file, 'not a regular file (FIFO, socket or device)');
  if (st.size === 0) throw new ImageDecodeError(file, 'empty file (0 bytes)');
  checkFileSize(file, st.size);
  try {
    return await readFile(file);
  } catch (e) {
    throw new ImageDecodeError(file, `cannot read file (${(e as NodeJS.ErrnoException).code})`);
  }
}

/**
 * Writes the managed copy durably: temp file, fsync, rename. A kill leaves either no file or
 * the whole file (plus maybe a temp), and the row is committed only after the rename, so a
 * committed row always has its file. A file already there with the right size is reused.
 * Async I/O: the fsync waits in the thread pool while other files decode.
 */
export async function storeCopy(projectDir: string, rel: string, bytes: Uint8Array): Promise<void> {
  const dest = path.join(projectDir, rel);
  try {
    if ((await stat(dest)).size === bytes.byteLength) return;
  } catch {
    // absent: write it
  }
  // Written in the project's scratch folder (same file system, so the rename is atomic) and
  // named by pid, so a copy killed half-way is found and deleted at the next open.
  const tmpDir = path.join(projectDir, TMP_DIR);
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  const tmp = path.join(tmpDir, `${path.basename(dest)}.${process.pid}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, dest);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

export async function prepare(
  item: ImportItem,
  projectDir: string,
  opts: { reference: boolean; thumbSize: number; source?: string },
  knownSha: (sha: string) => boolean,
): Promise<
  | Prepared
  | { duplicate: true; item: ImportItem; sha256: string; maskPng?: Buffer; maskFailure?: ImportFailure }
> {
  const bytes = await readRegular(item.file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (knownSha(sha256)) {
    // Still read a manifest mask: the image may have been imported earlier without one.
    const m = item.mask ? await prepareMask(item.mask, null) : {};
    return { duplicate: true, item, sha256, ...m };
  }
  const decoded = await decodeBuffer(bytes, item.file);
  const display = renderDisplay(decoded);
  const thumb = await makeThumbnail(display, decoded.width, decoded.height, opts.thumbSize);
  const tsize = webpSize(thumb) ?? (await sharp(thumb).metadata());
  const mask = item.mask ? await prepareMask(item.mask, decoded) : {};
  let storedPath: string | null = null;
  if (!opts.reference) {
    storedPath = managedPath(sha256, EXT[decoded.format] ?? 'bin');
    await mkdir(path.dirname(path.join(projectDir, storedPath)), { recursive: true, mode: 0o700 });
    await storeCopy(projectDir, storedPath, bytes);
  }
  const bits = decoded.meta.bitsStored ?? (decoded.raw instanceof Uint8Array ? 8 : 16);
  const meta: Record<string, unknown> = { ...decoded.meta };
  if (decoded.warnings.length) meta.warnings = decoded.warnings;
  if (item.extra) meta.manifest = item.extra;
  return {
    item,
    ...mask,
    image: {
      sha256,
      originalPath: item.file,
      storedPath,
      format: decoded.format,
      width: decoded.width,
      height: decoded.height,
      bits,
      fileSize: bytes.byteLength,
      meta,
      patientId: item.patientId ?? decoded.meta.patientId ?? null,
      source: item.source ?? opts.source ?? null,
      thumbnail: { data: thumb, mime: THUMBNAIL_MIME, width: tsize.width ?? 0, height: tsize.height ?? 0 },
    },
  };
}

/** Decodes a manifest mask; a bad mask fails alone, the image still imports. */
async function prepareMask(
  file: string,
  img: { width: number; height: number } | null,
): Promise<{ maskPng?: Buffer; maskFailure?: ImportFailure }> {
  try {
    const m = await decodeMaskPng(file, undefined, img ?? undefined);
    if (img && (m.width !== img.width || m.height !== img.height)) {
      return {
        maskFailure: {
          file,
          reason: `mask is ${m.width}×${m.height}, its image is ${img.width}×${img.height}`,
        },
      };
    }
    return { maskPng: await encodeGrayPng(m.data, m.width, m.height) };
  } catch (e) {
    const reason = e instanceof ImageDecodeError ? e.reason : (e as Error).message;
    return { maskFailure: { file, reason } };
  }
}
