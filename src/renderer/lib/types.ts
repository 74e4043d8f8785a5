/** Plain data shared by the renderer's logic modules (no DOM, no Svelte). */

/** An axis-aligned rectangle in image pixels; `w`/`h` of 0 means empty. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One 8-bit label map per image: 0 is background, k is class k of the mask schema. */
export interface LabelMap {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Point {
  x: number;
  y: number;
}

/** A rectangle of bytes before and after an edit: the unit of mask undo and of saving. */
export interface MaskDiff {
  rect: Rect;
  before: Uint8Array;
  after: Uint8Array;
}

/** Every undoable change is one of these; they are plain data so they can be sent and logged. */
export type EditCommand =
  | { kind: 'mask'; imageId: number; maskClass: string; diff: MaskDiff }
  | {
      kind: 'label';
      imageId: number;
      before: string | null;
      after: string | null;
      /** Time from the image shown to this label; dropped by undo and redo. */
      durationMs?: number;
    }
  | { kind: 'review'; imageId: number; before: boolean; after: boolean }
  | { kind: 'batch'; commands: EditCommand[] };
