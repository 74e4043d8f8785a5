import type { DataSet } from 'dicom-parser';
import { checkDimensions } from '../limits.ts';
import { rangeWindow } from '../raster.ts';
import type { SniffedKind } from '../sniff.ts';
import { type DecodedImage, ImageDecodeError, type ProbeResult, type WindowPreset } from '../types.ts';
import { lutLookup } from '../voi.ts';
import { type PixelAttrs, readMeta, readPixelAttrs } from './attrs.ts';
import { colourLuma, paletteLuma } from './colour.ts';
import { decodeEncapsulated } from './frame.ts';
import { parseDataset } from './parse.ts';
import { minMax, type Raw, samplesToRaw, storedRange } from './pixels.ts';
import { SYNTAXES, sopClassName } from './syntaxes.ts';

const COLOUR = new Set([
  'RGB',
  'YBR_FULL',
  'YBR_FULL_422',
  'YBR_PARTIAL_422',
  'YBR_PARTIAL_420',
  'YBR_ICT',
  'YBR_RCT',
]);

/** Checks that make a dataset an image we can hold, before any pixel buffer is allocated. */
function validate(ds: DataSet, a: PixelAttrs, file: string, kind: SniffedKind): void {
  if (kind === 'dicom-raw' && !ds.elements.x7fe00010 && !ds.elements.x00080016) {
    // The bytes only looked like a bare dataset; nothing DICOM was found in them.
    throw new ImageDecodeError(file, 'unrecognised format: not DICOM, PNG or JPEG data');
  }
  if (!ds.elements.x7fe00010) {
    if (ds.elements.x7fe00008 || ds.elements.x7fe00009) {
      throw new ImageDecodeError(file, 'unsupported Float/Double Pixel Data (7FE0,0008/0009)');
    }
    const sop = ds.string('x00080016');
    throw new ImageDecodeError(file, `not an image: ${sopClassName(sop)} has no Pixel Data`);
  }
  if (![8, 16, 32].includes(a.bitsAllocated)) {
    throw new ImageDecodeError(
      file,
      `unsupported BitsAllocated ${a.bitsAllocated} (8, 16 or 32 are supported)`,
    );
  }
  const frameBytes = Math.max(1, a.samplesPerPixel) * (a.bitsAllocated / 8);
  checkDimensions(file, a.cols, a.rows, frameBytes);
  if (a.pixelRep !== 0 && a.pixelRep !== 1)
    throw new ImageDecodeError(
      file,
      `corrupt DICOM header: PixelRepresentation ${a.pixelRep} (must be 0, unsigned, or 1, signed)`,
    );
  const px = ds.elements.x7fe00010;
  // Native pixel data far larger than the header's frames: header and data disagree, and
  // reading it as declared would show a fraction of what the file holds.
  const declared = a.rows * a.cols * frameBytes * Math.max(1, a.frames);
  if (!px.encapsulatedPixelData && px.length > declared + Math.max(1024, declared / 8))
    throw new ImageDecodeError(
      file,
      `corrupt DICOM header: Pixel Data is ${px.length} bytes but ${a.cols}×${a.rows}, ` +
        `${a.frames} frame(s) at ${frameBytes} bytes per pixel declare ${declared}`,
    );
  if (a.bitsStored < 1 || a.bitsStored > a.bitsAllocated || a.highBit >= a.bitsAllocated) {
    a.warnings.push(
      `inconsistent BitsStored ${a.bitsStored} / HighBit ${a.highBit}: using ${a.bitsAllocated} bits`,
    );
    a.bitsStored = a.bitsAllocated;
    a.highBit = a.bitsAllocated - 1;
  }
  const mono = a.photometric === 'MONOCHROME1' || a.photometric === 'MONOCHROME2';
  if (a.samplesPerPixel === 1 && !mono && a.photometric !== 'PALETTE COLOR') {
    throw new ImageDecodeError(
      file,
      `unsupported PhotometricInterpretation ${a.photometric} with 1 sample per pixel`,
    );
  }
  if (a.samplesPerPixel === 3 && !COLOUR.has(a.photometric)) {
    throw new ImageDecodeError(
      file,
      `unsupported PhotometricInterpretation ${a.photometric} with 3 samples per pixel`,
    );
  }
  if (a.samplesPerPixel !== 1 && a.samplesPerPixel !== 3) {
    throw new ImageDecodeError(file, `unsupported SamplesPerPixel ${a.samplesPerPixel}`);
  }
}

/** Header-only read (stops before Pixel Data): format, size and the bomb check. */
export function probeDicom(bytes: Uint8Array, file: string, kind: SniffedKind): ProbeResult {
  const { ds } = parseDataset(bytes, file, kind, 'x7fe00010');
  const a = readPixelAttrs(ds);
  if (!a.rows || !a.cols)
    throw new ImageDecodeError(file, `not an image: ${sopClassName(ds.string('x00080016'))}`);
  checkDimensions(file, a.cols, a.rows);
  return { format: 'dicom', width: a.cols, height: a.rows };
}

/** The frame-1 sample bytes, little endian, and the layout they are in. */
async function frameSamples(ds: DataSet, a: PixelAttrs, ts: string, file: string) {
  const syntax = SYNTAXES[ts];
  const name = syntax ? `${syntax.name} (${ts})` : `${ts} (unknown)`;
  if (!syntax?.codec) throw new ImageDecodeError(file, `unsupported transfer syntax ${name}`);
  const el = ds.elements.x7fe00010;
  const n = a.rows * a.cols;
  if (el.encapsulatedPixelData) {
    if (syntax.codec === 'native' || syntax.codec === 'native-be') {
      throw new ImageDecodeError(file, `corrupt DICOM: encapsulated Pixel Data under ${name}`);
    }
    const f = await decodeEncapsulated(ds, el, a, syntax.codec, file, name);
    if (f.width !== a.cols || f.height !== a.rows) {
      throw new ImageDecodeError(
        file,
        `corrupt ${name} pixel data: codestream is ${f.width}×${f.height}, dataset says ${a.cols}×${a.rows}`,
      );
    }
    const bitsAllocated = f.bytesPerSample * 8;
    const bitsStored = Math.min(a.bitsStored, bitsAllocated);
    return {
      bytes: f.bytes,
      littleEndian: true,
      layout: { bitsAllocated, bitsStored, highBit: bitsStored - 1, pixelRep: a.pixelRep },
      // RLE keeps samples planar; the other codecs interleave and undo colour transforms.
      planar: syntax.codec === 'rle' ? 1 : 0,
      photometric: f.colourIsRgb && a.samplesPerPixel === 3 ? 'RGB' : a.photometric,
    };
  }
  if (syntax.codec !== 'native' && syntax.codec !== 'native-be') {
    throw new ImageDecodeError(file, `corrupt DICOM: ${name} requires encapsulated Pixel Data`);
  }
  const need = (n * a.samplesPerPixel * a.bitsAllocated) / 8;
  const have = Math.min(el.length, ds.byteArray.length - el.dataOffset);
  if (have < need) {
    throw new ImageDecodeError(
      file,
      `truncated Pixel Data: ${have} bytes present, ${need} needed for one frame`,
    );
  }
  return {
    bytes: ds.byteArray.subarray(el.dataOffset, el.dataOffset + need),
    littleEndian: syntax.codec === 'native',
    layout: {
      bitsAllocated: a.bitsAllocated,
      bitsStored: a.bitsStored,
      highBit: a.highBit,
      pixelRep: a.pixelRep,
    },
    planar: a.planar,
    photometric: a.photometric,
  };
}

/** Decodes the first frame of a DICOM image into a DecodedImage. */
export async function decodeDicom(bytes: Uint8Array, file: string, kind: SniffedKind): Promise<DecodedImage> {
  const { ds, transferSyntax: ts, warnings: parseWarnings } = parseDataset(bytes, file, kind);
  const a = readPixelAttrs(ds);
  validate(ds, a, file, kind);
  const warnings = [...parseWarnings, ...a.warnings];
  if (a.frames > 1) warnings.push(`multi-frame (${a.frames} frames): using frame 1`);
  const s = await frameSamples(ds, a, ts, file);
  const n = a.rows * a.cols;
  const meta = readMeta(ds, a, ts);
  let raw: Raw;
  let range: [number, number];
  let colour = false;
  try {
    if (a.samplesPerPixel === 3) {
      if (s.layout.bitsAllocated > 16) throw new Error('32-bit colour is not supported');
      raw = colourLuma(s.bytes, n, s.layout.bitsAllocated === 16 ? 2 : 1, s.photometric, s.planar);
      range = [0, 2 ** s.layout.bitsAllocated - 1];
      colour = true;
      warnings.push(`colour image (${a.photometric}) converted to luminance (ITU-R 601)`);
    } else if (a.photometric === 'PALETTE COLOR') {
      const indices = samplesToRaw(s.bytes, n, { ...s.layout, pixelRep: 0 }, s.littleEndian);
      raw = paletteLuma(ds, indices, n);
      range = [0, 255];
      colour = true;
      warnings.push('palette colour image converted to luminance (ITU-R 601)');
    } else {
      raw = samplesToRaw(s.bytes, n, s.layout, s.littleEndian);
      range = storedRange(s.layout);
    }
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError(file, `cannot convert pixel data: ${(e as Error).message}`);
  }
  if (colour) {
    return {
      format: 'dicom',
      width: a.cols,
      height: a.rows,
      raw,
      storedRange: range,
      rescaleSlope: 1,
      rescaleIntercept: 0,
      voiLuts: [],
      windows: [rangeWindow(range[0], range[1], 'full range')],
      invert: false,
      meta,
      warnings,
    };
  }
  // Default window when the file has none: the full min–max of the modality values.
  const [lo, hi] = minMax(raw);
  const mlut = a.modalityLut;
  let mlo = mlut ? lutLookup(mlut, lo) : lo * a.slope + a.intercept;
  let mhi = mlut ? lutLookup(mlut, hi) : hi * a.slope + a.intercept;
  if (mlut) {
    mlo = Number.POSITIVE_INFINITY;
    mhi = Number.NEGATIVE_INFINITY;
    for (let v = lo; v <= hi; v++) {
      const m = lutLookup(mlut, v);
      if (m < mlo) mlo = m;
      if (m > mhi) mhi = m;
    }
  } else if (mlo > mhi) {
    [mlo, mhi] = [mhi, mlo];
  }
  const windows: WindowPreset[] = [...a.windows, rangeWindow(mlo, mhi, 'min–max')];
  const img: DecodedImage = {
    format: 'dicom',
    width: a.cols,
    height: a.rows,
    raw,
    storedRange: range,
    rescaleSlope: mlut ? 1 : a.slope,
    rescaleIntercept: mlut ? 0 : a.intercept,
    voiLuts: a.voiLuts,
    windows,
    invert: a.photometric === 'MONOCHROME1' || a.presentationShape === 'INVERSE',
    meta,
    warnings,
  };
  if (mlut) img.modalityLut = mlut;
  if (a.windows.length === 0 && a.voiLuts.length > 0) img.defaultVoiLut = 0;
  return img;
}
