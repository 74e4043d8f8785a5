import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBuffer, decodeFile, ImageDecodeError, probeFile } from '../../src/core/imaging/index.ts';
import { brokenDir } from './helpers.ts';

/** Each committed broken input → the reason it must be refused with (test/fixtures/broken/README.md). */
const CASES: [string, RegExp, { probe?: boolean }?][] = [
  ['truncated_pixels.dcm', /ends inside a data element/],
  ['truncated_header.dcm', /ends inside a data element/, { probe: true }],
  ['truncated_nhsx_nih.dcm', /truncated Pixel Data: 19208 bytes present, 1048576 needed/],
  ['unknown_tsyntax.dcm', /unsupported transfer syntax 1\.2\.826\.0\.1\.3680043\.10\.999\.1/],
  ['bomb_50000.dcm', /50000×50000 exceed the limit.*decompression bomb/, { probe: true }],
  ['bomb_60000x60000.png', /60000×60000 exceed the limit.*decompression bomb/, { probe: true }],
  ['truncated.png', /corrupt or truncated PNG/],
  ['corrupt.jpg', /corrupt or truncated JPEG/],
  ['text.dcm', /not an image: the file contains text/, { probe: true }],
  ['empty.dcm', /empty file \(0 bytes\)/, { probe: true }],
  ['empty.png', /empty file \(0 bytes\)/, { probe: true }],
];

async function refusal(p: Promise<unknown>): Promise<ImageDecodeError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ImageDecodeError);
    return e as ImageDecodeError;
  }
  throw new Error('expected an ImageDecodeError, got a decoded image');
}

describe('broken inputs are refused with a clear reason naming the file', () => {
  for (const [name, reason, opts] of CASES) {
    it(name, async () => {
      const file = path.join(brokenDir, name);
      const err = await refusal(decodeFile(file));
      expect(err.file).toBe(file);
      expect(err.message.startsWith(`${file}: `)).toBe(true);
      expect(err.reason).toMatch(reason);
      if (opts?.probe) expect((await refusal(probeFile(file))).reason).toMatch(reason);
      // Same verdict from memory, naming the caller's file name.
      const fromBuffer = await refusal(decodeBuffer(await readFile(file), `upload/${name}`));
      expect(fromBuffer.message).toContain(`upload/${name}`);
    });
  }

  it('a missing file and a directory are read errors, not crashes', async () => {
    expect((await refusal(decodeFile(path.join(brokenDir, 'nope.dcm')))).reason).toMatch(
      /cannot read file \(ENOENT\)/,
    );
    expect((await refusal(probeFile(brokenDir))).reason).toMatch(/cannot read file \(EISDIR\)/);
  });

  it('the bomb PNG is refused before decoding: no allocation, instant', async () => {
    const before = process.memoryUsage().rss;
    await refusal(decodeFile(path.join(brokenDir, 'bomb_60000x60000.png')));
    // 60000² would be 3.6 GB; allow generous noise from the test runner itself.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('decodeBuffer', () => {
  it('accepts a plain Uint8Array (not a Buffer) and a DICOM without extension', async () => {
    const bytes = new Uint8Array(
      await readFile(path.join(brokenDir, '../dicom/nih_00000061_012_mono2_8bit.dcm')),
    );
    const img = await decodeBuffer(bytes, 'no-extension');
    expect([img.format, img.width, img.height, img.meta.viewPosition]).toEqual(['dicom', 256, 256, 'PA']);
  });
});
