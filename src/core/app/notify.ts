import type { Rect } from './masks.ts';

/**
 * How a use case tells its shell what changed. The API service broadcasts these as events
 * (`labels.changed`, `mask.changed`, `project.changed`) and runs its retrain
 * policy on `labelsAdded`; a shell without listeners passes `silent`.
 */
export interface Notifier {
  labelsChanged(imageIds: number[]): void;
  maskChanged(change: { imageId: number; maskClass: string; version: number; rect?: Rect }): void;
  /** Counts may have changed (labels, masks, review flags). */
  countsChanged(): void;
  /** New or changed labels (not clears): a background retrain policy may act. */
  labelsAdded(n: number): void;
}

export const silent: Notifier = {
  labelsChanged() {},
  maskChanged() {},
  countsChanged() {},
  labelsAdded() {},
};
