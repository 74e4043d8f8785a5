/**
 * Frame sizes read from compressed headers, so a codestream that claims more pixels than the
 * dataset (a decompression bomb inside a small DICOM) is refused before a codec allocates.
 */
export interface StreamHeader {
  width: number;
  height: number;
  precision: number;
}

/** JPEG family (DCT, lossless, JPEG-LS SOF55): the first start-of-frame segment. */
export function jpegStreamHeader(b: Uint8Array): StreamHeader | undefined {
  for (let p = 2; p + 9 < b.length; ) {
    if (b[p] !== 0xff) return undefined;
    const m = b[p + 1];
    if (m === 0xff) {
      p++;
      continue;
    }
    const sof = (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xf7;
    if (sof)
      return { precision: b[p + 4], height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8] };
    if (m === 0xda) return undefined;
    p += 2 + ((b[p + 2] << 8) | b[p + 3]);
  }
  return undefined;
}

/** JPEG 2000 / HTJ2K: the SIZ segment after SOC (also found inside a JP2 wrapper). */
export function j2kStreamHeader(b: Uint8Array): StreamHeader | undefined {
  const limit = Math.min(b.length - 40, 4096);
  for (let p = 0; p < limit; p++) {
    if (b[p] === 0xff && b[p + 1] === 0x4f && b[p + 2] === 0xff && b[p + 3] === 0x51) {
      const dv = new DataView(b.buffer, b.byteOffset + p + 4);
      // After the marker: Lsiz, Rsiz (2 bytes each), Xsiz, Ysiz, XOsiz, YOsiz (4 each), …, Csiz, Ssiz0.
      const width = dv.getUint32(4) - dv.getUint32(12);
      const height = dv.getUint32(8) - dv.getUint32(16);
      return { width, height, precision: (b[p + 42] & 0x7f) + 1 };
    }
  }
  return undefined;
}
