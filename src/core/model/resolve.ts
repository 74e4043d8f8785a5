import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the encoder shipped with the app. */
export const SHIPPED_ENCODER = 'spcxr-vit-tiny';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The encoder folder to use: explicit option, then `SPCXR_ENCODER`, then the project's
 * `encoderDir` setting, then resources/models/spcxr-vit-tiny. Throws naming what was tried.
 */
export function resolveEncoderDir(explicit?: string, projectSetting?: string): string {
  const tried: string[] = [];
  for (const d of [
    explicit,
    process.env.SPCXR_ENCODER,
    projectSetting,
    path.join(repoRoot, 'resources/models', SHIPPED_ENCODER),
  ]) {
    if (!d) continue;
    const abs = path.resolve(d);
    if (existsSync(path.join(abs, 'model.json'))) return abs;
    tried.push(abs);
  }
  throw new Error(`no encoder found (tried ${tried.join(', ')}); pass --encoder DIR or set SPCXR_ENCODER`);
}
