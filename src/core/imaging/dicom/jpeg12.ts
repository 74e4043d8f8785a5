/**
 * Grayscale DCT JPEG decoder for the precisions the 8-bit libjpeg-turbo build cannot handle
 * (12-bit extended, DICOM .51; spectral selection and full progression, .53/.55). Huffman
 * sequential and progressive (ITU T.81 Annexes F and G); the inverse DCT is IJG's integer
 * "islow" (jidctint.c), the one DCMTK's reference renderings use, so samples agree exactly.
 */
import { idctIslow } from './idct.ts';
import { Bits, buildHuffman, type Huffman } from './jpeg-huffman.ts';

// Zigzag index → natural (row-major) index.
const NATURAL = Int32Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
]);

interface Scan {
  ss: number;
  se: number;
  ah: number;
  al: number;
  dc?: Huffman;
  ac?: Huffman;
}

export interface Gray16 {
  width: number;
  height: number;
  precision: number;
  samples: Uint16Array;
}

export function decodeJpegGray(d: Uint8Array): Gray16 {
  if (d[0] !== 0xff || d[1] !== 0xd8) throw new Error('not a JPEG stream (no SOI)');
  const qt: Int32Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let width = 0;
  let height = 0;
  let precision = 8;
  let progressive = false;
  let quant = 0;
  let restartInterval = 0;
  let bw = 0;
  let bh = 0;
  let coefs = new Int32Array(0);
  let p = 2;
  for (;;) {
    if (p + 2 > d.length) {
      if (!bw) throw new Error('stream ends before the frame header');
      break; // missing EOI: keep what the scans gave, as IJG does
    }
    if (d[p] !== 0xff) {
      p++;
      continue;
    }
    const m = d[p + 1];
    if (m === 0xd9) break;
    if (m === 0xff || (m >= 0xd0 && m <= 0xd7)) {
      p += m === 0xff ? 1 : 2;
      continue;
    }
    const len = (d[p + 2] << 8) | d[p + 3];
    const seg = p + 4;
    const end = p + 2 + len;
    if (m === 0xdb) {
      for (let q = seg; q < end; ) {
        const pq = d[q] >> 4;
        const t = new Int32Array(64);
        for (let k = 0; k < 64; k++)
          t[NATURAL[k]] = pq ? (d[q + 1 + 2 * k] << 8) | d[q + 2 + 2 * k] : d[q + 1 + k];
        qt[d[q] & 15] = t;
        q += 1 + 64 * (pq ? 2 : 1);
      }
    } else if (m === 0xc4) {
      for (let q = seg; q < end; ) {
        const counts = d.subarray(q + 1, q + 17);
        const n = counts.reduce((a, b) => a + b, 0);
        const h = buildHuffman(counts, d.slice(q + 17, q + 17 + n));
        (d[q] >> 4 ? acTables : dcTables)[d[q] & 15] = h;
        q += 17 + n;
      }
    } else if (m === 0xdd) {
      restartInterval = (d[seg] << 8) | d[seg + 1];
    } else if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (m !== 0xc0 && m !== 0xc1 && m !== 0xc2)
        throw new Error(`JPEG process SOF${m - 0xc0} is not supported`);
      progressive = m === 0xc2;
      precision = d[seg];
      height = (d[seg + 1] << 8) | d[seg + 2];
      width = (d[seg + 3] << 8) | d[seg + 4];
      if (d[seg + 5] !== 1)
        throw new Error(`${d[seg + 5]}-component lossy JPEG above 8 bits is not supported`);
      quant = d[seg + 8];
      bw = Math.ceil(width / 8);
      bh = Math.ceil(height / 8);
      coefs = new Int32Array(bw * bh * 64);
    } else if (m === 0xda) {
      if (!bw) throw new Error('scan before frame header');
      const s: Scan = {
        ss: d[seg + 3],
        se: d[seg + 4],
        ah: d[seg + 5] >> 4,
        al: d[seg + 5] & 15,
        dc: dcTables[d[seg + 2] >> 4],
        ac: acTables[d[seg + 2] & 15],
      };
      // Sequential frames always code the whole block; some encoders write odd SOS values.
      if (!progressive) Object.assign(s, { ss: 0, se: 63, ah: 0, al: 0 });
      p = decodeScan(d, end, s, coefs, bw, bh, restartInterval, progressive);
      continue;
    }
    p = end;
  }
  const q = qt[quant];
  if (!q) throw new Error('missing quantisation table');
  const samples = new Uint16Array(width * height);
  const block = new Int32Array(64);
  const max = 2 ** precision - 1;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      idctIslow(coefs.subarray((by * bw + bx) * 64, (by * bw + bx + 1) * 64), q, block, precision);
      for (let y = 0; y < 8 && by * 8 + y < height; y++) {
        for (let x = 0; x < 8 && bx * 8 + x < width; x++) {
          const v = block[y * 8 + x];
          samples[(by * 8 + y) * width + bx * 8 + x] = v < 0 ? 0 : Math.min(v, max);
        }
      }
    }
  }
  return { width, height, precision, samples };
}

/** Decodes one scan into `coefs`; returns the position after the scan's entropy-coded data. */
function decodeScan(
  d: Uint8Array,
  start: number,
  s: Scan,
  coefs: Int32Array,
  bw: number,
  bh: number,
  restartInterval: number,
  progressive: boolean,
): number {
  const bits = new Bits(d, start);
  let pred = 0;
  let eobrun = 0;
  const total = bw * bh;
  const p1 = 2 ** s.al;
  const needDc = s.ss === 0 && s.ah === 0;
  if ((needDc && !s.dc) || (s.se > 0 && !s.ac)) throw new Error('scan refers to a missing Huffman table');
  for (let n = 0; n < total; n++) {
    if (restartInterval && n > 0 && n % restartInterval === 0) {
      bits.restart();
      pred = 0;
      eobrun = 0;
    }
    const b = n * 64;
    if (!progressive) {
      pred += bits.extend(bits.decode(s.dc!));
      coefs[b] = pred;
      for (let k = 1; k < 64; ) {
        const rs = bits.decode(s.ac!);
        const r = rs >> 4;
        const z = rs & 15;
        if (z === 0) {
          if (r !== 15) break;
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) break;
        coefs[b + NATURAL[k++]] = bits.extend(z);
      }
    } else if (s.ss === 0) {
      if (s.ah === 0) {
        pred += bits.extend(bits.decode(s.dc!));
        coefs[b] = pred * p1;
      } else if (bits.bit()) coefs[b] |= p1;
    } else if (s.ah === 0) {
      if (eobrun > 0) {
        eobrun--;
        continue;
      }
      for (let k = s.ss; k <= s.se; ) {
        const rs = bits.decode(s.ac!);
        const r = rs >> 4;
        const z = rs & 15;
        if (z === 0) {
          if (r < 15) {
            eobrun = 2 ** r - 1 + bits.receive(r);
            break;
          }
          k += 16;
          continue;
        }
        k += r;
        if (k > 63) break;
        coefs[b + NATURAL[k++]] = bits.extend(z) * p1;
      }
    } else {
      refineAc(
        bits,
        coefs,
        b,
        s,
        p1,
        () => eobrun,
        (v) => {
          eobrun = v;
        },
      );
    }
  }
  // Skip to the next marker that is not a restart marker.
  let p = bits.pos;
  while (p + 1 < d.length && !(d[p] === 0xff && d[p + 1] !== 0 && !(d[p + 1] >= 0xd0 && d[p + 1] <= 0xd7)))
    p++;
  return p;
}

/** Successive-approximation AC refinement, as IJG's decode_mcu_AC_refine. */
function refineAc(
  bits: Bits,
  coefs: Int32Array,
  b: number,
  s: Scan,
  p1: number,
  getEob: () => number,
  setEob: (v: number) => void,
): void {
  const m1 = -p1;
  const correct = (i: number) => {
    if (bits.bit() && (coefs[i] & p1) === 0) coefs[i] += coefs[i] >= 0 ? p1 : m1;
  };
  let k = s.ss;
  let eobrun = getEob();
  if (eobrun === 0) {
    for (; k <= s.se; k++) {
      const rs = bits.decode(s.ac!);
      let r = rs >> 4;
      let v = 0;
      if (rs & 15) {
        v = bits.bit() ? p1 : m1;
      } else if (r !== 15) {
        eobrun = 2 ** r;
        if (r) eobrun += bits.receive(r);
        break;
      }
      while (k <= s.se) {
        const i = b + NATURAL[k];
        if (coefs[i] !== 0) correct(i);
        else if (--r < 0) break;
        k++;
      }
      if (v && k <= 63) coefs[b + NATURAL[k]] = v;
    }
  }
  if (eobrun > 0) {
    for (; k <= s.se; k++) {
      const i = b + NATURAL[k];
      if (coefs[i] !== 0) correct(i);
    }
    eobrun--;
  }
  setEob(eobrun);
}
