/**
 * The Konva stage of the editor: image, mask and a preview layer (pixel-snapped brush
 * cursor, polygon/lasso outline). It turns pointer input into tool events in image
 * coordinates and otherwise just draws what it is told.
 */
import Konva from 'konva';
import { snapCenter } from '../lib/raster.ts';
import type { ToolEvent } from '../lib/tools.ts';
import type { Point } from '../lib/types.ts';
import { toImage, type View } from '../lib/viewport.ts';

export class EditorStage {
  readonly stage: Konva.Stage;
  private readonly imageLayer = new Konva.Layer({ listening: false });
  private readonly maskLayer = new Konva.Layer({ listening: false, imageSmoothingEnabled: false });
  private readonly uiLayer = new Konva.Layer({ listening: false });
  private readonly imageNode = new Konva.Image({ image: undefined, x: 0, y: 0 });
  private readonly maskNode = new Konva.Image({ image: undefined, x: 0, y: 0, opacity: 0.5 });
  /** The segmenter's per-pixel uncertainty over the mask, when the user shows it. */
  private readonly overlayNode = new Konva.Image({ image: undefined, x: 0, y: 0, visible: false });
  private readonly cursor = new Konva.Rect({
    stroke: '#ffd400',
    strokeWidth: 1,
    strokeScaleEnabled: false,
    visible: false,
  });
  private readonly cursorDisc = new Konva.Circle({
    stroke: '#ffd400',
    strokeWidth: 1,
    strokeScaleEnabled: false,
    visible: false,
  });
  private readonly preview = new Konva.Line({
    stroke: '#00e5ff',
    strokeWidth: 1.5,
    strokeScaleEnabled: false,
    dash: [6, 4],
    visible: false,
  });
  private view: View = { scale: 1, x: 0, y: 0 };
  private brushSize = 8;
  private showCursor = true;
  private space = false;

  constructor(
    container: HTMLDivElement,
    private readonly onTool: (ev: ToolEvent) => void,
    private readonly onWheel: (factor: number, at: Point) => void,
  ) {
    this.stage = new Konva.Stage({ container, width: container.clientWidth, height: container.clientHeight });
    this.imageLayer.add(this.imageNode);
    this.maskLayer.add(this.maskNode, this.overlayNode);
    this.uiLayer.add(this.preview, this.cursor, this.cursorDisc);
    this.stage.add(this.imageLayer, this.maskLayer, this.uiLayer);
    this.bindInput(container);
  }

  get size(): { width: number; height: number } {
    return { width: this.stage.width(), height: this.stage.height() };
  }

  resize(width: number, height: number): void {
    this.stage.size({ width, height });
  }

  setView(v: View): void {
    this.view = v;
    for (const l of [this.imageLayer, this.maskLayer, this.uiLayer]) {
      l.scale({ x: v.scale, y: v.scale });
      l.position({ x: v.x, y: v.y });
    }
    // Pixels must stay crisp when zoomed in (1-pixel brush work); smooth when zoomed out.
    this.imageLayer.imageSmoothingEnabled(v.scale < 1);
    this.stage.batchDraw();
  }

  setImage(src: CanvasImageSource | undefined, width: number, height: number): void {
    this.imageNode.image(src);
    this.imageNode.size({ width, height });
    this.imageLayer.batchDraw();
  }

  /** Re-draws the image node after its source canvas changed (window/level). */
  redrawImage(): void {
    this.imageLayer.batchDraw();
  }

  setMask(canvas: HTMLCanvasElement | undefined): void {
    this.maskNode.image(canvas);
    if (canvas) this.maskNode.size({ width: canvas.width, height: canvas.height });
    this.maskLayer.batchDraw();
  }

  setOverlay(canvas: HTMLCanvasElement | undefined): void {
    this.overlayNode.image(canvas);
    this.overlayNode.visible(canvas !== undefined);
    if (canvas) this.overlayNode.size({ width: canvas.width, height: canvas.height });
    this.maskLayer.batchDraw();
  }

  redrawMask(): void {
    this.maskLayer.batchDraw();
  }

  setMaskOpacity(o: number): void {
    this.maskNode.opacity(o);
    this.maskLayer.batchDraw();
  }

  setBrush(size: number, visible: boolean): void {
    this.brushSize = size;
    this.showCursor = visible;
    if (!visible) {
      this.cursor.visible(false);
      this.cursorDisc.visible(false);
      this.uiLayer.batchDraw();
    }
  }

  setPreview(points: Point[] | null): void {
    if (!points || points.length === 0) this.preview.visible(false);
    else {
      this.preview.points(points.flatMap((p) => [p.x, p.y]));
      this.preview.closed(points.length > 2);
      this.preview.visible(true);
    }
    this.uiLayer.batchDraw();
  }

  destroy(): void {
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('keyup', this.onKeyUp);
    this.stage.destroy();
  }

  private readonly onKeyDown = (e: KeyboardEvent) => {
    if (e.key === ' ') this.space = true;
  };
  private readonly onKeyUp = (e: KeyboardEvent) => {
    if (e.key === ' ') this.space = false;
  };

  /** The brush footprint outline, snapped the same way `stampDisc` snaps it. */
  private moveCursor(p: Point): void {
    if (!this.showCursor) return;
    const c = snapCenter(p, this.brushSize);
    const r = this.brushSize / 2;
    // Small brushes are shown as the exact pixel square(s) they cover; larger ones as a disc.
    const square = this.brushSize <= 2;
    this.cursor.setAttrs({
      visible: square,
      x: c.x - r,
      y: c.y - r,
      width: this.brushSize,
      height: this.brushSize,
    });
    this.cursorDisc.setAttrs({ visible: !square, x: c.x, y: c.y, radius: r });
    this.uiLayer.batchDraw();
  }

  private bindInput(el: HTMLDivElement): void {
    const pos = (e: PointerEvent | MouseEvent) => {
      const b = el.getBoundingClientRect();
      const s = { x: e.clientX - b.left, y: e.clientY - b.top };
      return { s, p: toImage(this.view, s) };
    };
    el.addEventListener('contextmenu', (e) => e.preventDefault());
    el.addEventListener('pointerdown', (e) => {
      el.setPointerCapture(e.pointerId);
      const { s, p } = pos(e);
      const button = (e.button === 1 ? 1 : e.button === 2 ? 2 : 0) as 0 | 1 | 2;
      this.onTool({ type: 'down', p, s, button, alt: e.altKey, space: this.space, scale: this.view.scale });
    });
    el.addEventListener('pointermove', (e) => {
      // Coalesced events keep fast strokes smooth without extra frames.
      const evs = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const ce of evs.length ? evs : [e]) {
        const { s, p } = pos(ce);
        this.onTool({ type: 'move', p, s });
      }
      this.moveCursor(pos(e).p);
    });
    el.addEventListener('pointerup', (e) => {
      const { s, p } = pos(e);
      this.onTool({ type: 'up', p, s });
    });
    el.addEventListener('pointerleave', () => {
      this.cursor.visible(false);
      this.cursorDisc.visible(false);
      this.uiLayer.batchDraw();
    });
    el.addEventListener('dblclick', () => this.onTool({ type: 'dblclick' }));
    el.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        this.onWheel(Math.exp(-e.deltaY * 0.0015), pos(e).s);
      },
      { passive: false },
    );
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('keyup', this.onKeyUp);
  }
}
