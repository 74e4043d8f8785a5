/** How each transfer syntax's pixel data is turned into samples. */
export type PixelCodec =
  | 'native'
  | 'native-be'
  | 'rle'
  | 'jpeg'
  | 'jpeg-lossless'
  | 'jpegls'
  | 'j2k'
  | 'htj2k';

const P = '1.2.840.10008.1.2';

export const SYNTAXES: Record<string, { name: string; codec?: PixelCodec }> = {
  [P]: { name: 'Implicit VR Little Endian', codec: 'native' },
  [`${P}.1`]: { name: 'Explicit VR Little Endian', codec: 'native' },
  [`${P}.1.98`]: { name: 'Encapsulated Uncompressed Explicit VR Little Endian' },
  [`${P}.1.99`]: { name: 'Deflated Explicit VR Little Endian', codec: 'native' },
  [`${P}.2`]: { name: 'Explicit VR Big Endian', codec: 'native-be' },
  [`${P}.4.50`]: { name: 'JPEG Baseline (Process 1)', codec: 'jpeg' },
  [`${P}.4.51`]: { name: 'JPEG Extended (Process 2 & 4)', codec: 'jpeg' },
  [`${P}.4.53`]: { name: 'JPEG Spectral Selection, Non-Hierarchical (retired)', codec: 'jpeg' },
  [`${P}.4.55`]: { name: 'JPEG Full Progression, Non-Hierarchical (retired)', codec: 'jpeg' },
  [`${P}.4.57`]: { name: 'JPEG Lossless, Non-Hierarchical (Process 14)', codec: 'jpeg-lossless' },
  [`${P}.4.70`]: { name: 'JPEG Lossless, First-Order Prediction (Process 14 SV1)', codec: 'jpeg-lossless' },
  [`${P}.4.80`]: { name: 'JPEG-LS Lossless', codec: 'jpegls' },
  [`${P}.4.81`]: { name: 'JPEG-LS Near-Lossless', codec: 'jpegls' },
  [`${P}.4.90`]: { name: 'JPEG 2000 (Lossless Only)', codec: 'j2k' },
  [`${P}.4.91`]: { name: 'JPEG 2000', codec: 'j2k' },
  [`${P}.4.92`]: { name: 'JPEG 2000 Part 2 Multi-component (Lossless Only)', codec: 'j2k' },
  [`${P}.4.93`]: { name: 'JPEG 2000 Part 2 Multi-component', codec: 'j2k' },
  [`${P}.4.94`]: { name: 'JPIP Referenced' },
  [`${P}.4.100`]: { name: 'MPEG2 Main Profile' },
  [`${P}.4.102`]: { name: 'MPEG-4 AVC/H.264' },
  [`${P}.4.110`]: { name: 'JPEG XL Lossless' },
  [`${P}.4.111`]: { name: 'JPEG XL JPEG Recompression' },
  [`${P}.4.112`]: { name: 'JPEG XL' },
  [`${P}.4.201`]: { name: 'HTJ2K (Lossless Only)', codec: 'htj2k' },
  [`${P}.4.202`]: { name: 'HTJ2K with RPCL Options (Lossless Only)', codec: 'htj2k' },
  [`${P}.4.203`]: { name: 'HTJ2K', codec: 'htj2k' },
  [`${P}.5`]: { name: 'RLE Lossless', codec: 'rle' },
};

const SOP_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.481.8': 'RT Ion Plan',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.104.1': 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
};

export function sopClassName(uid: string | undefined): string {
  if (!uid) return 'unknown SOP class';
  const name =
    SOP_NAMES[uid] ?? (uid.startsWith('1.2.840.10008.5.1.4.1.1.88.') ? 'Structured Report' : undefined);
  return name ? `${name} (${uid})` : uid;
}
