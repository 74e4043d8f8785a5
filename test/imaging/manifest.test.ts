import path from 'node:path';
import { expect, it } from 'vitest';
import {
  type DecodedImage,
  type DisplayOptions,
  decodeFile,
  ImageDecodeError,
  renderDisplay,
} from '../../src/core/imaging/index.ts';
import { describeShared, hasSharedData } from '../shared-data.ts';
import { dicomRoot, maxAbsDiff, readCsv, refLuma } from './helpers.ts';

/**
 * Every DICOM of ../shared/data/dicom against its DCMTK reference rendering (manifest.csv):
 * same window as the reference (`window_used`), ±1 grey level. Rows whose expected outcome
 * allows refusal must then fail with an ImageDecodeError that names the file.
 */
const rows = hasSharedData ? readCsv(path.join(dicomRoot, 'manifest.csv')) : [];

// References that DCMTK did not render per the standard (see the corpus README).
const NOT_AUTHORITATIVE = new Set(['share/vr_2022_linear_exact.dcm']);

function optionsFor(img: DecodedImage, windowUsed: string): DisplayOptions {
  if (windowUsed.startsWith('first VOI window')) return { window: 0 };
  if (windowUsed.startsWith('first VOI LUT')) return { voiLutIndex: 0 };
  if (windowUsed.startsWith('min-max')) return { window: img.windows.findIndex((w) => w.name === 'min–max') };
  return {};
}

async function outcome(file: string): Promise<DecodedImage | ImageDecodeError> {
  try {
    return await decodeFile(path.join(dicomRoot, file));
  } catch (e) {
    if (e instanceof ImageDecodeError) return e;
    throw e;
  }
}

function expectClearRefusal(r: DecodedImage | ImageDecodeError, file: string): asserts r is ImageDecodeError {
  expect(r).toBeInstanceOf(ImageDecodeError);
  const err = r as ImageDecodeError;
  expect(err.file).toBe(path.join(dicomRoot, file));
  expect(err.message).toContain(path.basename(file));
  expect(err.reason.length).toBeGreaterThan(10);
}

async function expectMatchesReference(img: DecodedImage, row: Record<string, string>): Promise<void> {
  const ref = await refLuma(path.join(dicomRoot, row.ref_png));
  expect([img.width, img.height]).toEqual([ref.width, ref.height]);
  expect([img.width, img.height]).toEqual([Number(row.cols), Number(row.rows)]);
  const out = renderDisplay(img, optionsFor(img, row.window_used));
  expect(maxAbsDiff(out, ref.data)).toBeLessThanOrEqual(1);
}

describeShared('DICOM corpus vs reference renderings', () => {
  it('covers the whole manifest', () => {
    expect(rows.length).toBe(57);
  });

  for (const row of rows) {
    const exp = row.expected_import;
    it(`${row.file} — ${exp}`, async () => {
      const r = await outcome(row.file);
      if (exp === 'refuse: not an image') {
        expectClearRefusal(r, row.file);
        expect(r.reason).toMatch(/not an image/);
      } else if (exp.startsWith('refuse or warn')) {
        if (!(r instanceof ImageDecodeError)) expect(r.warnings.join(' ')).toMatch(/truncat|corrupt/);
        else expectClearRefusal(r, row.file);
      } else if (exp === 'decode') {
        if (r instanceof ImageDecodeError) throw r;
        if (NOT_AUTHORITATIVE.has(row.file)) return;
        await expectMatchesReference(r, row);
      } else {
        // "decode …, or refuse clearly": either is fine, but a decode must match the reference.
        if (r instanceof ImageDecodeError) {
          expectClearRefusal(r, row.file);
          if (/syntax/.test(exp)) expect(r.reason).toMatch(/transfer syntax .*\d+\.\d+/);
        } else {
          await expectMatchesReference(r, row);
        }
      }
    });
  }

  it('LINEAR_EXACT (not authoritative in DCMTK): PS3.3 C.11.2.1.3.2 formula, within 1 of the LINEAR reference', async () => {
    const row = rows.find((r) => r.file === 'share/vr_2022_linear_exact.dcm')!;
    const img = (await outcome(row.file)) as DecodedImage;
    const w = img.windows[0];
    expect(w.fn).toBe('LINEAR_EXACT');
    const out = renderDisplay(img, { window: 0 });
    for (let i = 0; i < out.length; i += 97) {
      const x = img.raw[i] * img.rescaleSlope + img.rescaleIntercept;
      const y =
        x <= w.center - w.width / 2
          ? 0
          : x > w.center + w.width / 2
            ? 255
            : ((x - w.center) / w.width + 0.5) * 255;
      expect(Math.abs(out[i] - y)).toBeLessThan(1);
    }
    const ref = await refLuma(path.join(dicomRoot, row.ref_png));
    expect(maxAbsDiff(out, ref.data)).toBeLessThanOrEqual(1);
  });

  it('Presentation LUT INVERSE renders as 255 minus the same image without it', async () => {
    const plain = (await outcome('share/IM-0001_CT_jpeg_lossless_multiwindow.dcm')) as DecodedImage;
    const inv = (await outcome('share/jpeg_lossless_presentation_lut_INVERSE.dcm')) as DecodedImage;
    expect(inv.invert).toBe(true);
    const a = renderDisplay(plain, { window: 0 });
    const b = renderDisplay(inv, { window: 0 });
    expect(
      maxAbsDiff(
        a.map((v) => 255 - v),
        b,
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('lossless re-encodings of the chest CR decode to identical stored pixels', async () => {
    const base = (await outcome('share/cxr_CR10_explicitLE.dcm')) as DecodedImage;
    for (const f of [
      'CR-MONO1-10-chest',
      'cxr_CR10_rle.dcm',
      'cxr_CR10_bigendian.dcm',
      'cxr_CR10_deflated.dcm',
      'cxr_CR10_j2k_lossless.dcm',
    ]) {
      const img = (await outcome(`share/${f}`)) as DecodedImage;
      expect(maxAbsDiff(img.raw, base.raw), f).toBe(0);
    }
  });

  it('keeps identity and acquisition fields, windows as presets, and warns on multi-frame', async () => {
    const nih = (await outcome('share/nih_cxr_DX_implicitLE_8bit.dcm')) as DecodedImage;
    expect(nih.meta.patientId).toBe('Covid0000');
    expect(nih.meta.modality).toBe('DX');
    expect(nih.meta.sopInstanceUid).toMatch(/^1\.3\.6\.1\.4\.1\.11129/);
    const ct = (await outcome('share/J2K_pixelrep_mismatch_13bit.dcm')) as DecodedImage;
    expect(ct.windows.slice(0, 3).map((w) => [w.center, w.width])).toEqual([
      [40, 100],
      [40, 100],
      [40, 200],
    ]);
    expect(ct.windows.at(-1)?.name).toBe('min–max');
    const mf = (await outcome('share/emri_small_10frames.dcm')) as DecodedImage;
    expect(mf.warnings.join()).toMatch(/multi-frame \(10 frames\): using frame 1/);
    const cr = (await outcome('share/CR-MONO1-10-chest')) as DecodedImage;
    expect(cr.invert).toBe(true);
    expect(cr.storedRange).toEqual([0, 1023]);
  });
});
