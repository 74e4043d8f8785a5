import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A decoded frame: samples as bytes (16-bit little endian when bytesPerSample is 2). */
export interface DecodedFrame {
  bytes: Uint8Array;
  width: number;
  height: number;
  components: number;
  bytesPerSample: 1 | 2;
  /** Colour decoders output interleaved RGB after undoing YCbCr/RCT/ICT. */
  colourIsRgb: boolean;
}

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

interface WasmDecoder {
  getEncodedBuffer(n: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getInterleaveMode?(): number;
  delete(): void;
}

type Ctor = new () => WasmDecoder;
type Factory = (opts: {
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<Record<string, Ctor>>;

const CODECS = {
  jpeg: ['@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', 'JPEGDecoder'],
  jpegls: ['@cornerstonejs/codec-charls/decodewasmjs', 'JpegLSDecoder'],
  j2k: ['@cornerstonejs/codec-openjpeg/decodewasmjs', 'J2KDecoder'],
  htj2k: ['@cornerstonejs/codec-openjph/wasmjs', 'HTJ2KDecoder'],
} as const;
export type WasmCodec = keyof typeof CODECS;

// Each emscripten module is instantiated once per process, on first use.
const modules = new Map<WasmCodec, Promise<Record<string, Ctor>>>();
// OpenJPEG reports through stdout/stderr; keep the latest lines for the error message instead.
let codecLog: string[] = [];
const keep = (s: string) => {
  codecLog.push(s);
  if (codecLog.length > 20) codecLog.shift();
};

function load(codec: WasmCodec): Promise<Record<string, Ctor>> {
  let m = modules.get(codec);
  if (!m) {
    const factory = require(CODECS[codec][0]) as Factory;
    m = factory({ print: keep, printErr: keep });
    modules.set(codec, m);
  }
  return m;
}

/** Runs one of the cornerstone wasm decoders; the output is copied out of wasm memory. */
export async function decodeWasm(codec: WasmCodec, encoded: Uint8Array): Promise<DecodedFrame> {
  const mod = await load(codec);
  const dec = new mod[CODECS[codec][1]]();
  codecLog = [];
  try {
    dec.getEncodedBuffer(encoded.length).set(encoded);
    try {
      dec.decode();
    } catch (e) {
      throw new Error(codecError(e));
    }
    const info = dec.getFrameInfo();
    if (!info.width || !info.height) throw new Error(codecError('no image decoded'));
    const decoded = dec.getDecodedBuffer();
    const bytes = new Uint8Array(
      decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength),
    );
    const n = info.width * info.height * info.componentCount;
    const bytesPerSample = bytes.length >= 2 * n ? 2 : 1;
    let out: Uint8Array = bytes;
    // CharLS hands back planar (interleave mode 0) colour as stored; make it interleaved.
    if (codec === 'jpegls' && info.componentCount > 1 && dec.getInterleaveMode?.() === 0) {
      out = interleave(bytes, info.width * info.height, info.componentCount, bytesPerSample);
    }
    return {
      bytes: out,
      width: info.width,
      height: info.height,
      components: info.componentCount,
      bytesPerSample,
      colourIsRgb: codec !== 'jpegls',
    };
  } finally {
    dec.delete();
  }
}

function codecError(e: unknown): string {
  const errs = codecLog.filter((l) => /error/i.test(l)).map((l) => l.replace(/^\[ERROR\]\s*/, ''));
  const base =
    typeof e === 'number' ? `decoder failed (code ${e})` : e instanceof Error ? e.message : String(e);
  return errs.length ? `${base}: ${errs.join('; ')}` : base;
}

function interleave(planar: Uint8Array, n: number, c: number, bps: number): Uint8Array {
  const out = new Uint8Array(planar.length);
  for (let s = 0; s < c; s++) {
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < bps; b++) out[(i * c + s) * bps + b] = planar[(s * n + i) * bps + b];
    }
  }
  return out;
}

interface LosslessDecoder {
  decode(buf: ArrayBuffer, offset: number, length: number): Uint8Array | Uint16Array;
  xDim: number;
  yDim: number;
  numComp: number;
  numBytes: number;
  scan: { al: number };
}

/** JPEG Lossless (processes 14 and SV1) through jpeg-lossless-decoder-js. */
export function decodeJpegLossless(encoded: Uint8Array): DecodedFrame {
  const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  const dec = new Decoder();
  const res = dec.decode(encoded.buffer as ArrayBuffer, encoded.byteOffset, encoded.byteLength);
  // The decoder ignores the point transform (SOS Al, T.81 H.1.2.1): scale samples back up.
  const pt = dec.scan.al;
  if (pt > 0) for (let i = 0; i < res.length; i++) res[i] <<= pt;
  return {
    bytes: new Uint8Array(res.buffer, res.byteOffset, res.byteLength),
    width: dec.xDim,
    height: dec.yDim,
    components: dec.numComp,
    bytesPerSample: dec.numBytes > 1 ? 2 : 1,
    colourIsRgb: false,
  };
}
