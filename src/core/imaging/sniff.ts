import { ImageDecodeError } from './types.ts';

/** What the first bytes say a file is. `dicom-raw` is a bare dataset without preamble or File Meta. */
export type SniffedKind = 'png' | 'jpeg' | 'dicom-part10' | 'dicom-nopreamble' | 'dicom-raw';

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const VRS = new Set(
  'AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

function isDicm(b: Uint8Array, at: number): boolean {
  return (
    b.length >= at + 4 && b[at] === 0x44 && b[at + 1] === 0x49 && b[at + 2] === 0x43 && b[at + 3] === 0x4d
  );
}

/**
 * A bare dataset starts with a little-endian tag of a low, even group (0008 in practice) and,
 * if explicit, a two-letter VR. Returns the transfer syntax to assume, or undefined.
 */
export function rawDatasetSyntax(b: Uint8Array): string | undefined {
  if (b.length < 8) return undefined;
  const group = b[0] | (b[1] << 8);
  if (group === 0 || group > 0x0028 || group % 2 !== 0) return undefined;
  const vr = String.fromCharCode(b[4], b[5]);
  if (VRS.has(vr)) return '1.2.840.10008.1.2.1';
  const len = b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24);
  // Implicit VR: a 32-bit length that fits in the file (or undefined length for a sequence).
  if (len === -1 || (len >= 0 && len <= b.length - 8)) return '1.2.840.10008.1.2';
  return undefined;
}

function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 9 || (c > 13 && c < 32)) return false;
  }
  return true;
}

export function sniff(bytes: Uint8Array, file: string): SniffedKind {
  if (bytes.length === 0) throw new ImageDecodeError(file, 'empty file (0 bytes)');
  if (PNG_SIG.every((v, i) => bytes[i] === v)) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (isDicm(bytes, 128)) return 'dicom-part10';
  if (isDicm(bytes, 0)) return 'dicom-nopreamble';
  if (rawDatasetSyntax(bytes)) return 'dicom-raw';
  if (looksLikeText(bytes)) {
    throw new ImageDecodeError(file, 'not an image: the file contains text, not DICOM, PNG or JPEG data');
  }
  throw new ImageDecodeError(
    file,
    'unrecognised format: no DICOM marker, no PNG or JPEG signature (supported: DICOM, PNG, JPEG)',
  );
}
