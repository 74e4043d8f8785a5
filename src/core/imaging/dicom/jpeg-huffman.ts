/** Huffman tables and the entropy-coded bit reader of ITU T.81 (byte stuffing, markers, restarts). */

export interface Huffman {
  maxcode: Int32Array;
  valptr: Int32Array;
  mincode: Int32Array;
  values: Uint8Array;
}

export function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxcode = new Int32Array(18).fill(-1);
  const valptr = new Int32Array(17);
  const mincode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    valptr[l] = k;
    mincode[l] = code;
    code += counts[l - 1];
    k += counts[l - 1];
    maxcode[l] = counts[l - 1] ? code - 1 : -1;
    code <<= 1;
  }
  return { maxcode, valptr, mincode, values };
}

export class Bits {
  private buf = 0;
  private cnt = 0;
  /** Bytes invented past the end of the data: nonzero means the stream was cut short. */
  overrun = 0;
  constructor(
    private readonly d: Uint8Array,
    public pos: number,
  ) {}
  bit(): number {
    if (this.cnt === 0) {
      let b = this.d[this.pos] ?? 0;
      if (this.pos >= this.d.length) {
        b = 0;
        if (++this.overrun > 64) throw new Error('entropy-coded data ends early (truncated)');
      } else if (b === 0xff) {
        // Stuffed 0xFF00 is data; any other 0xFFxx is a marker: feed zeros, stay before it.
        if (this.d[this.pos + 1] === 0) this.pos += 2;
        else b = 0;
      } else this.pos++;
      this.buf = b;
      this.cnt = 8;
    }
    this.cnt--;
    return (this.buf >> this.cnt) & 1;
  }
  receive(s: number): number {
    let v = 0;
    for (let i = 0; i < s; i++) v = v * 2 + this.bit();
    return v;
  }
  extend(s: number): number {
    if (s === 0) return 0;
    const v = this.receive(s);
    return v < 2 ** (s - 1) ? v - 2 ** s + 1 : v;
  }
  decode(h: Huffman): number {
    let code = this.bit();
    for (let l = 1; l <= 16; l++) {
      if (code <= h.maxcode[l]) return h.values[h.valptr[l] + code - h.mincode[l]];
      code = code * 2 + this.bit();
    }
    throw new Error('bad Huffman code');
  }
  /** Drops buffered bits and steps over the next RSTn marker. */
  restart(): void {
    this.cnt = 0;
    while (
      this.pos + 1 < this.d.length &&
      !(this.d[this.pos] === 0xff && this.d[this.pos + 1] >= 0xd0 && this.d[this.pos + 1] <= 0xd7)
    ) {
      this.pos++;
    }
    this.pos += 2;
  }
}
