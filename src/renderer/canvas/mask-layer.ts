/**
 * The mask overlay: one offscreen canvas the size of the image, shown by one Konva.Image.
 * Edits only mark dirty rectangles; once per animation frame the union is re-rendered and
 * pushed with a single putImageData, so cost follows the brush, not the image size.
 */
import { renderRect } from '../lib/mask-render.ts';
import { clip, EMPTY_RECT, expand, isEmpty, union } from '../lib/rect.ts';
import type { LabelMap, Rect } from '../lib/types.ts';

export class MaskLayer {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private dirty: Rect = { ...EMPTY_RECT };
  private frame = 0;
  outline = false;

  constructor(
    public map: LabelMap,
    public color: readonly [number, number, number],
    /** Called after pixels changed, to let Konva redraw (batchDraw). */
    private readonly onFlush: () => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = map.width;
    this.canvas.height = map.height;
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: false })!;
  }

  invalidate(r: Rect): void {
    if (isEmpty(r)) return;
    // Outline pixels depend on their neighbours, so the ring around an edit changes too.
    this.dirty = union(this.dirty, this.outline ? expand(r, 1) : r);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
  }

  invalidateAll(): void {
    this.invalidate({ x: 0, y: 0, w: this.map.width, h: this.map.height });
  }

  /** Renders the pending rectangle now (also called by rAF). */
  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const r = clip(this.dirty, this.map.width, this.map.height);
    this.dirty = { ...EMPTY_RECT };
    if (isEmpty(r)) return;
    const img = this.ctx.createImageData(r.w, r.h);
    renderRect(this.map, r, this.outline, img.data, this.color);
    this.ctx.putImageData(img, r.x, r.y);
    this.onFlush();
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
