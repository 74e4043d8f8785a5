import type { DataSet } from 'dicom-parser';
import type { ImageMeta, Lut, WindowPreset } from '../types.ts';

/** Image Pixel module and presentation attributes, read once from the dataset. */
export interface PixelAttrs {
  rows: number;
  cols: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRep: number;
  samplesPerPixel: number;
  photometric: string;
  planar: number;
  frames: number;
  slope: number;
  intercept: number;
  windows: WindowPreset[];
  voiLuts: Lut[];
  modalityLut?: Lut;
  presentationShape?: string;
  warnings: string[];
}

function str(ds: DataSet, tag: string): string | undefined {
  const s = ds.string(tag);
  return s === undefined || s === '' ? undefined : s;
}

function nums(ds: DataSet, tag: string): number[] {
  const s = ds.string(tag);
  if (!s) return [];
  return s.split('\\').map((v) => Number.parseFloat(v));
}

/** First item of a sequence, if present. */
function item(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/**
 * A LUT item: descriptor (entries, first mapped, bits) then data. The descriptor's second value
 * is signed when the input is signed; 8-bit entries may come packed two per word or one per word.
 */
export function readLut(
  ds: DataSet,
  descTag: string,
  dataTag: string,
  signedInput: boolean,
): Lut | undefined {
  const desc = ds.elements[descTag];
  const data = ds.elements[dataTag];
  if (!desc || !data) return undefined;
  const n = ds.uint16(descTag, 0) || 65536;
  let first = ds.uint16(descTag, 1) ?? 0;
  if ((signedInput || desc.vr === 'SS') && first > 32767) first -= 65536;
  const bits = ds.uint16(descTag, 2) ?? 16;
  const out = new Uint16Array(n);
  if (data.length >= 2 * n) {
    for (let i = 0; i < n; i++) out[i] = ds.uint16(dataTag, i) ?? 0;
  } else if (data.length >= n) {
    for (let i = 0; i < n; i++) out[i] = ds.byteArray[data.dataOffset + i];
  } else {
    return undefined;
  }
  const explanation = str(ds, 'x00283003');
  return { firstValueMapped: first, bitsPerEntry: bits, data: out, ...(explanation ? { explanation } : {}) };
}

function readWindows(src: DataSet, warnings: string[]): WindowPreset[] {
  const centers = nums(src, 'x00281050');
  const widths = nums(src, 'x00281051');
  const names = (src.string('x00281055') ?? '').split('\\');
  const fnRaw = str(src, 'x00281056')?.toUpperCase();
  const fn = fnRaw === 'LINEAR_EXACT' || fnRaw === 'SIGMOID' || fnRaw === 'LINEAR' ? fnRaw : undefined;
  if (fnRaw && !fn) warnings.push(`unknown VOILUTFunction '${fnRaw}': using LINEAR`);
  const out: WindowPreset[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const c = centers[i];
    const w = widths[i];
    if (!Number.isFinite(c) || !Number.isFinite(w) || w <= 0) {
      warnings.push(`ignored invalid window ${i + 1} (center ${c}, width ${w})`);
      continue;
    }
    out.push({ center: c, width: w, name: names[i]?.trim() || `window ${i + 1}`, ...(fn ? { fn } : {}) });
  }
  return out;
}

export function readPixelAttrs(ds: DataSet): PixelAttrs {
  const warnings: string[] = [];
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const pixelRep = ds.uint16('x00280103') ?? 0;
  const framesRaw = str(ds, 'x00280008');
  let frames = 1;
  if (framesRaw !== undefined) {
    frames = Number.parseInt(framesRaw, 10);
    if (!/^\s*\d+\s*$/.test(framesRaw) || !(frames >= 1)) {
      frames = Number.isFinite(frames) && frames >= 1 ? frames : 1;
      warnings.push(`invalid NumberOfFrames '${framesRaw}': assuming ${frames}`);
    }
  }
  // Enhanced multi-frame objects keep rescale and windows in functional groups.
  const shared = item(ds, 'x52009229');
  const perFrame = item(ds, 'x52009230');
  const pvt = item(shared, 'x00289145') ?? item(perFrame, 'x00289145');
  const rescaleSrc = ds.elements.x00281053 ? ds : (pvt ?? ds);
  const voiSrc = ds.elements.x00281050
    ? ds
    : (item(shared, 'x00289132') ?? item(perFrame, 'x00289132') ?? ds);
  const slope = rescaleSrc.floatString('x00281053') ?? 1;
  const intercept = rescaleSrc.floatString('x00281052') ?? 0;
  const signed = pixelRep === 1;
  const mlutItem = item(ds, 'x00283000');
  const modalityLut = mlutItem ? readLut(mlutItem, 'x00283002', 'x00283006', signed) : undefined;
  const voiLuts: Lut[] = [];
  for (const it of ds.elements.x00283010?.items ?? []) {
    if (!it.dataSet) continue;
    const lut = readLut(it.dataSet, 'x00283002', 'x00283006', signed && !modalityLut);
    if (lut) voiLuts.push(lut);
  }
  return {
    rows: ds.uint16('x00280010') ?? 0,
    cols: ds.uint16('x00280011') ?? 0,
    bitsAllocated,
    bitsStored,
    highBit: ds.uint16('x00280102') ?? bitsStored - 1,
    pixelRep,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    photometric: (str(ds, 'x00280004') ?? 'MONOCHROME2').toUpperCase(),
    planar: ds.uint16('x00280006') ?? 0,
    frames,
    slope: Number.isFinite(slope) && slope !== 0 ? slope : 1,
    intercept: Number.isFinite(intercept) ? intercept : 0,
    windows: readWindows(voiSrc, warnings),
    voiLuts,
    ...(modalityLut ? { modalityLut } : {}),
    presentationShape: str(ds, 'x20500020')?.toUpperCase(),
    warnings,
  };
}

export function readMeta(ds: DataSet, a: PixelAttrs, transferSyntaxUid: string): ImageMeta {
  const m: ImageMeta = {
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    sopInstanceUid: str(ds, 'x00080018'),
    sopClassUid: str(ds, 'x00080016'),
    modality: str(ds, 'x00080060'),
    viewPosition: str(ds, 'x00185101'),
    bodyPart: str(ds, 'x00180015'),
    patientId: str(ds, 'x00100020'),
    patientAge: str(ds, 'x00101010'),
    patientSex: str(ds, 'x00100040'),
    institution: str(ds, 'x00080080'),
    manufacturer: str(ds, 'x00080070'),
    transferSyntaxUid,
    photometricInterpretation: a.photometric,
    bitsAllocated: a.bitsAllocated,
    bitsStored: a.bitsStored,
    pixelRepresentation: a.pixelRep,
    numberOfFrames: a.frames,
  };
  const sp = nums(ds, 'x00280030');
  const spacing = sp.length === 2 ? sp : nums(ds, 'x00181164');
  if (spacing.length === 2 && spacing.every(Number.isFinite)) m.pixelSpacing = [spacing[0], spacing[1]];
  for (const k of Object.keys(m) as (keyof ImageMeta)[]) if (m[k] === undefined) delete m[k];
  return m;
}
