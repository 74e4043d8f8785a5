/**
 * Time per annotation: from the moment an image is shown in the viewer to the label given for
 * it. Only the image on screen has a clock; a label given to another image (bulk labelling in
 * the grid) has no duration.
 */
const MAX_MS = 86_400_000;

export class AnnotationTimer {
  private shown: { id: number; at: number } | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The viewer shows image `id` (a new image restarts the clock; the same one keeps it). */
  show(id: number): void {
    if (this.shown?.id !== id) this.shown = { id, at: this.now() };
  }

  /** Milliseconds since `id` was shown, or undefined when it is not the image on screen. */
  elapsed(id: number): number | undefined {
    if (this.shown?.id !== id) return undefined;
    return Math.min(MAX_MS, Math.max(0, Math.round(this.now() - this.shown.at)));
  }
}

export const annotationTimer = new AnnotationTimer();
