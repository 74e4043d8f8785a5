import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBuffer, decodeFile, ImageDecodeError, probeFile } from '../../src/core/imaging/index.ts';
import { describeShared } from '../shared-data.ts';
import { brokenDir, dicomRoot } from './helpers.ts';

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

describeShared('codestream bombs inside small DICOMs', () => {
  /** Patches the first occurrence of `marker` in the file and the 4 bytes at `at` after it. */
  function patch(file: string, marker: number[], at: number, value: number, size: 2 | 4): Buffer {
    const b = Buffer.from(readFileSync(path.join(dicomRoot, file)));
    const pos = b.indexOf(Buffer.from(marker), 132);
    expect(pos).toBeGreaterThan(0);
    if (size === 2) b.writeUInt16BE(value, pos + at);
    else b.writeUInt32BE(value, pos + at);
    return b;
  }

  it('a JPEG SOF claiming 60000 columns is refused before decoding', async () => {
    const b = patch('share/CTImage_jpeg_baseline.dcm', [0xff, 0xc0], 7, 60000, 2);
    const err = await refusal(decodeBuffer(b, 'sof-bomb.dcm'));
    expect(err.reason).toMatch(/codestream claims 60000×512, dataset says 512×512/);
  });

  it('a JPEG 2000 SIZ claiming 100000² is refused before decoding', async () => {
    const b = patch('share/MR_small_j2k_lossless.dcm', [0xff, 0x4f, 0xff, 0x51], 8, 100000, 4);
    const b2 = Buffer.from(b);
    b2.writeUInt32BE(100000, b.indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51]), 132) + 12);
    const err = await refusal(decodeBuffer(b2, 'siz-bomb.dcm'));
    expect(err.reason).toMatch(/codestream claims 100000×100000, dataset says 64×64/);
  });
});
