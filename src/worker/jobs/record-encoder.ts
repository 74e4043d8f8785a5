import { state } from '../../core/app/state.ts';
import type { Encoder } from '../../core/model/encoder.ts';
import type { ProjectStore } from '../../core/store/types.ts';
import { lastLoadedEncoder } from '../../core/train/index.ts';

/**
 * Records the encoder an engine job ran on, so the Project screen names it. Training and
 * suggestions load it too, not only feature extraction: the screen said "none loaded" after them.
 */
export function recordEncoder(store: ProjectStore, encoder: Encoder | null = lastLoadedEncoder()): void {
  if (!encoder) return;
  state.encoder.set(store, {
    name: encoder.card.name,
    checksumOk: true, // Encoder.load verified encoder.onnx against model.json
    executionProvider: encoder.provider.provider,
    device: encoder.provider.device,
  });
}
