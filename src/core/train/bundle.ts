import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidInputError } from '../errors.ts';
import { assertSafeExportPath } from '../export/safe-path.ts';
import type { ProjectStore } from '../store/types.ts';
import { encoderForModel, openModel } from './predict.ts';
import type { EngineOptions } from './types.ts';

export const BUNDLE_CARD = 'bundle.json';

export interface BundleCard {
  format: 'spcxr-model-bundle/1';
  model: { id: number; name: string; kind: string; head: string; task: string; createdAt: string };
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  history: unknown[];
  encoder: { name: string; id: string; card: string };
  /** File name → sha256 of every file in the bundle except this card. */
  files: Record<string, string>;
  exportedAt: string;
}

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/**
 * Writes a self-contained bundle: the encoder (encoder.onnx, weights.safetensors, model.json),
 * the head weights (head.safetensors, with its config in the metadata) and bundle.json (config,
 * metrics, training history, checksums). Refuses a non-empty output folder.
 */
export async function exportBundle(
  project: ProjectStore,
  modelId: number | undefined,
  outDir: string,
  o: EngineOptions = {},
): Promise<BundleCard> {
  const { row, weights } = openModel(project, modelId);
  const encoder = await encoderForModel(project, row, o);
  assertSafeExportPath(project.dir, outDir);
  if (existsSync(outDir) && readdirSync(outDir).length)
    throw new InvalidInputError(`${outDir}: output folder is not empty`);
  mkdirSync(outDir, { recursive: true });
  for (const f of ['encoder.onnx', 'weights.safetensors', 'model.json']) {
    const src = path.join(encoder.dir, f);
    if (existsSync(src)) copyFileSync(src, path.join(outDir, f));
  }
  writeFileSync(path.join(outDir, 'head.safetensors'), weights);
  const files: Record<string, string> = {};
  for (const f of readdirSync(outDir).sort()) files[f] = sha(path.join(outDir, f));
  const card: BundleCard = {
    format: 'spcxr-model-bundle/1',
    model: {
      id: row.id,
      name: row.name,
      kind: row.kind,
      head: row.head,
      task: row.task,
      createdAt: row.createdAt,
    },
    config: row.config,
    metrics: row.metrics,
    history: row.history,
    encoder: { name: encoder.card.name, id: encoder.id, card: 'model.json' },
    files,
    exportedAt: new Date().toISOString(),
  };
  writeFileSync(path.join(outDir, BUNDLE_CARD), `${JSON.stringify(card, null, 1)}\n`);
  return card;
}

/** Reads a bundle and checks every checksum; throws naming the first bad file. */
export function readBundle(dir: string): BundleCard {
  const file = path.join(dir, BUNDLE_CARD);
  if (!existsSync(file)) throw new Error(`${file}: not a model bundle (no ${BUNDLE_CARD})`);
  const card = JSON.parse(readFileSync(file, 'utf8')) as BundleCard;
  if (card.format !== 'spcxr-model-bundle/1')
    throw new Error(`${file}: unknown bundle format ${card.format}`);
  for (const [f, want] of Object.entries(card.files)) {
    const p = path.join(dir, f);
    if (!existsSync(p)) throw new Error(`${p}: listed in ${BUNDLE_CARD} but missing`);
    if (sha(p) !== want) throw new Error(`${p}: sha256 mismatch with ${BUNDLE_CARD}`);
  }
  return card;
}
