/**
 * The mask queue's draft, between the editor (which holds the pixels) and the suggestion
 * actions (which accept or drop it). The editor registers these while it is open.
 */
export interface DraftAccept {
  imageId: number;
  maskClass: string;
  /** Where the corrected draft differs from the prediction; null when taken as predicted. */
  edit: { rect: { x: number; y: number; width: number; height: number }; after: string } | null;
  strokes: number;
  durationMs: number;
}

export const draftHooks: {
  /** The open draft as an Accept request, or null when none is open. */
  collect?: () => DraftAccept | null;
  /** Ends the draft: kept (accepted and stored) or dropped (its edits leave the history). */
  end?: (accepted: boolean) => void;
} = {};
