import { decodeFile, renderDisplay, type SquareGeometry, toModelInput } from '../imaging/index.ts';
import type { EncoderCard } from './types.ts';

export interface ModelInput {
  data: Float32Array;
  geometry: SquareGeometry;
  /** The 8-bit display rendering the input came from (the segmentation stem reads pixels). */
  width: number;
  height: number;
}

/** The one preprocessing path: decode → default-window 8-bit display → imaging's toModelInput. */
export async function modelInputFromFile(file: string, card: EncoderCard): Promise<ModelInput> {
  const img = await decodeFile(file);
  const gray = renderDisplay(img);
  const { data, geometry } = toModelInput(gray, img.width, img.height, card.preprocessing);
  return { data, geometry, width: img.width, height: img.height };
}
