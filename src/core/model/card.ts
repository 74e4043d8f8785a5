import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EncoderCard } from './types.ts';

/** Error for a broken or tampered encoder folder; the message names the file. */
export class EncoderLoadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'EncoderLoadError';
  }
}

const ARCH_KEYS = [
  'img_size',
  'patch_size',
  'embed_dim',
  'depth',
  'num_heads',
  'mlp_ratio',
  'ln_eps',
] as const;

/** Reads and validates `model.json` in an encoder folder. */
export function readCard(dir: string): EncoderCard {
  const file = path.join(dir, 'model.json');
  if (!existsSync(file)) throw new EncoderLoadError(file, 'model card not found');
  let card: EncoderCard;
  try {
    card = JSON.parse(readFileSync(file, 'utf8')) as EncoderCard;
  } catch (e) {
    throw new EncoderLoadError(file, `not valid JSON (${(e as Error).message})`);
  }
  for (const k of ARCH_KEYS) {
    if (typeof card.arch?.[k] !== 'number')
      throw new EncoderLoadError(file, `arch.${k} missing or not a number`);
  }
  const p = card.preprocessing;
  if (!p || !(p.size > 0) || typeof p.mean !== 'number' || !(p.std > 0)) {
    throw new EncoderLoadError(file, 'preprocessing {size, mean, std} missing or invalid');
  }
  if (!card.files || typeof card.files['encoder.onnx'] !== 'string') {
    throw new EncoderLoadError(file, "files['encoder.onnx'] (sha256) missing");
  }
  return card;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Checks every file listed in the card against its sha256; throws naming the first mismatch. */
export async function verifyFiles(dir: string, card: EncoderCard, only?: string[]): Promise<void> {
  for (const [name, want] of Object.entries(card.files)) {
    if (only && !only.includes(name)) continue;
    const file = path.join(dir, name);
    if (!existsSync(file)) throw new EncoderLoadError(file, 'listed in model.json but missing');
    const got = await sha256File(file);
    if (got !== want.toLowerCase()) {
      throw new EncoderLoadError(
        file,
        `sha256 mismatch (model.json says ${want.slice(0, 12)}…, file is ${got.slice(0, 12)}…)`,
      );
    }
  }
}
