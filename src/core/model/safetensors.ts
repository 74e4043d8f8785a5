import { readFileSync } from 'node:fs';

/** A named float32 tensor. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, F64: 8, I64: 8, I32: 4, U8: 1, BF16: 2 };

/**
 * Safetensors (u64 LE header length, JSON header, raw LE bytes), float tensors only: F32, F16
 * and BF16 are widened to float32. Errors name the file and the tensor.
 */
export function parseSafetensors(
  bytes: Uint8Array,
  file = 'safetensors',
): { tensors: Record<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.byteLength < 8) throw new Error(`${file}: too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n <= 0 || 8 + n > bytes.byteLength) throw new Error(`${file}: header length ${n} exceeds the file`);
  let header: Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>
  >;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${file}: header is not JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const tensors: Record<string, NamedTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = info as {
      dtype: string;
      shape: number[];
      data_offsets: [number, number];
    };
    const [b, e] = data_offsets;
    const count = shape.reduce((a, x) => a * x, 1);
    if (!BYTES[dtype] || e - b !== count * BYTES[dtype] || base + e > bytes.byteLength) {
      throw new Error(`${file}: tensor ${name} (${dtype} ${shape}) has inconsistent offsets [${b}, ${e}]`);
    }
    const raw = new DataView(bytes.buffer, bytes.byteOffset + base + b, e - b);
    const data = new Float32Array(count);
    if (dtype === 'F32') for (let i = 0; i < count; i++) data[i] = raw.getFloat32(i * 4, true);
    else if (dtype === 'F64') for (let i = 0; i < count; i++) data[i] = raw.getFloat64(i * 8, true);
    else if (dtype === 'BF16') {
      const u = new Uint32Array(1);
      const f = new Float32Array(u.buffer);
      for (let i = 0; i < count; i++) {
        u[0] = raw.getUint16(i * 2, true) << 16;
        data[i] = f[0];
      }
    } else if (dtype === 'F16')
      for (let i = 0; i < count; i++) data[i] = halfToFloat(raw.getUint16(i * 2, true));
    else throw new Error(`${file}: tensor ${name} has non-float dtype ${dtype}`);
    tensors[name] = { shape, data };
  }
  return { tensors, metadata };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 0x1f) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function readSafetensors(file: string): Record<string, NamedTensor> {
  return parseSafetensors(readFileSync(file), file).tensors;
}

/** Serialises float32 tensors (sorted names, 8-byte aligned header) with string metadata. */
export function writeSafetensors(
  tensors: Record<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name];
    const count = t.shape.reduce((a, x) => a * x, 1);
    if (count !== t.data.length)
      throw new Error(`tensor ${name}: shape ${t.shape} does not match ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + count * 4] };
    off += count * 4;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const hb = new Uint8Array(raw.length + ((8 - (raw.length % 8)) % 8)).fill(0x20);
  hb.set(raw);
  const out = new Uint8Array(8 + hb.length + off);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const name of names) {
    const d = tensors[name].data;
    for (let i = 0; i < d.length; i++) view.setFloat32(p + i * 4, d[i], true);
    p += d.length * 4;
  }
  return out;
}
