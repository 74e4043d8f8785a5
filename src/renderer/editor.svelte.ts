/**
 * The viewer/editor controller: opens an image (dropping stale loads by token), owns the
 * label map of the current mask class, and turns tool effects into raster edits that go
 * into the one history as dirty-rectangle diffs.
 */
import type { ImageDetail } from '../core/api/contract.ts';
import { fetchRaw, intensities, loadImage, maskToMap } from './canvas/decode.ts';
import { MaskLayer } from './canvas/mask-layer.ts';
import { forget, load, prefetch } from './canvas/prefetch.ts';
import { fetchHeatCanvas, fetchMaskMap } from './canvas/prefill.ts';
import type { EditorStage } from './canvas/stage.ts';
import { toBase64 } from './lib/base64.ts';
import { parseColor } from './lib/mask-render.ts';
import {
  diffFromSnapshot,
  fillPolygon,
  floodFill,
  type PaintGate,
  strokeSegment,
  trimDiff,
  writeRect,
} from './lib/raster.ts';
import { EMPTY_RECT, union } from './lib/rect.ts';
import { RequestToken } from './lib/request-token.ts';
import { type Effect, initialTool, type ToolEvent, type ToolName, transition } from './lib/tools.ts';
import type { EditCommand, LabelMap, Rect } from './lib/types.ts';
import { fitView, oneToOne, pan, type View, zoomAt } from './lib/viewport.ts';
import {
  applyLut,
  autoWindow,
  buildLut,
  defaultWindow,
  dragWindow,
  fullRange,
  modalityRange,
  type RawImage,
  rawFromPng,
  type Window,
} from './lib/windowing.ts';
import { type DraftAccept, draftHooks } from './mask-draft.ts';
import { app, edits } from './state.svelte.ts';

/** Inside value for painted pixels: binary masks are stored 0/255 so exported PNGs are visible. */
const INSIDE = 255;

export class EditorController {
  detail = $state<ImageDetail | null>(null);
  /** Opens in the view tool: a click to focus must never paint a mask (mask editing is a mode). */
  tool = $state(initialTool('pan'));
  /** Last mask tool, restored when mask editing is switched on again. */
  private lastMaskTool: ToolName = 'brush';
  size = $state(8);
  opacity = $state(0.5);
  outline = $state(false);
  threshold = $state(false);
  tolerance = $state(40);
  invert = $state(false);
  window = $state<Window | null>(null);
  presets = $state<{ name: string; center: number; width: number }[]>([]);
  maskClass = $state(app.maskClasses()[0]?.name ?? 'lung');
  view = $state<View>({ scale: 1, x: 0, y: 0 });
  loading = $state(false);
  rawState = $state<'none' | 'loading' | 'ready' | 'error'>('none');
  /** The window the canvas was last drawn at from the raw pixels (the end state of a W/L change). */
  renderedWindow = $state<{ center: number; width: number } | null>(null);
  /** Mask area in pixels, shown to the user (and read by the end-to-end tests). */
  maskArea = $state(0);
  /**
   * A pre-filled mask from the mask queue, being corrected. Nothing of it is stored until
   * Accept; `strokes` counts the user's edits on it, `shownAt` starts the correction clock.
   */
  draft = $state<{ imageId: number; strokes: number; shownAt: number } | null>(null);
  private predicted: LabelMap | null = null;
  private overlay: HTMLCanvasElement | null = null;

  private stage: EditorStage | null = null;
  private mask: MaskLayer | null = null;
  private map: LabelMap | null = null;
  private display: HTMLImageElement | null = null;
  private raw: RawImage | null = null;
  private rawCanvas: HTMLCanvasElement | null = null;
  private gray: Uint8Array | null = null;
  private snapshot: LabelMap | null = null;
  private strokeRect: Rect = { ...EMPTY_RECT };
  private gate: PaintGate | undefined;
  private wlFrame = 0;
  private readonly token = new RequestToken();

  attach(stage: EditorStage): void {
    this.stage = stage;
    edits.hooks.mask = (c) => this.applyMask(c);
    draftHooks.collect = () => this.collectDraft();
    draftHooks.end = (accepted) => this.endDraft(accepted);
  }

  detach(): void {
    this.endDraft(false);
    draftHooks.collect = undefined;
    draftHooks.end = undefined;
    edits.hooks.mask = undefined;
    this.mask?.dispose();
    this.stage = null;
  }

  /**
   * Opens an image; `t0` is the click time, for the click-to-first-paint figure. The grid's
   * thumbnail is shown at once (already decoded by the browser), the full image replaces it
   * when ready; the mask becomes editable when it has arrived.
   */
  async open(id: number, t0 = performance.now()): Promise<void> {
    const t = this.token.next();
    this.loading = true;
    // Leaving a draft without Accept drops it: nothing of it was stored.
    if (this.draft && this.draft.imageId !== id) this.endDraft(false);
    // What was edited here is stale in the prefetch cache now.
    if (this.detail) forget(this.detail.id);
    this.map = null;
    const mark = (key: '__spcxrOpen' | '__spcxrOpenFull') =>
      requestAnimationFrame(() => {
        const w = window as unknown as Record<string, number[] | undefined>;
        w[key] ??= [];
        w[key].push(performance.now() - t0);
      });
    let painted = false;
    const item = app.items[id];
    if (item) {
      void loadImage(item.thumbnailUrl)
        .then((thumb) => {
          if (!this.token.isCurrent(t) || painted || !this.stage) return;
          this.stage.setImage(thumb, item.width, item.height);
          this.stage.setMask(undefined);
          this.fitTo(item.width, item.height);
          painted = true;
          mark('__spcxrOpen');
        })
        .catch(() => {});
    }
    try {
      const { detail, img, mask: m } = await load(id, this.maskClass);
      if (!this.token.isCurrent(t) || !this.stage) return;
      this.detail = detail;
      this.display = img;
      this.raw = null;
      this.rawCanvas = null;
      this.gray = null;
      this.rawState = 'none';
      this.renderedWindow = null;
      this.presets = detail.windows;
      this.window = defaultWindow(detail);
      this.stage.setImage(img, detail.width, detail.height);
      if (!painted) this.fit();
      this.setMap(maskToMap(m.mask, detail.width, detail.height));
      await this.prefill(id, m.mask === null, t);
      if (!this.token.isCurrent(t)) return;
      if (!painted) mark('__spcxrOpen');
      painted = true;
      mark('__spcxrOpenFull');
      const i = app.order.indexOf(id);
      if (i >= 0) prefetch([app.order[i + 1], app.order[i + 2], app.order[i - 1]], this.maskClass);
    } catch (err) {
      if (this.token.isCurrent(t)) app.fail(err, `open image ${id}`);
    } finally {
      if (this.token.isCurrent(t)) this.loading = false;
    }
  }

  /** In the mask queue, an unmasked suggested image opens with its predicted mask as a draft. */
  private async prefill(id: number, unmasked: boolean, t: ReturnType<RequestToken['next']>): Promise<void> {
    const s = app.suggestion;
    if (app.alMode !== 'masks' || !s?.mask || s.imageId !== id || !unmasked || this.draft?.imageId === id)
      return;
    const pred = await fetchMaskMap(s.mask.url);
    if (!this.token.isCurrent(t) || !this.detail || pred.width !== this.detail.width) return;
    this.predicted = pred;
    this.setMap({ ...pred, data: pred.data.slice() });
    this.draft = { imageId: id, strokes: 0, shownAt: performance.now() };
    edits.draftImage = id;
    this.setMaskMode(true);
    if (s.mask.uncertaintyUrl) {
      this.overlay = await fetchHeatCanvas(s.mask.uncertaintyUrl);
      if (this.token.isCurrent(t)) this.setUncertaintyVisible(app.showUncertainty);
    }
  }

  setUncertaintyVisible(on: boolean): void {
    this.stage?.setOverlay(on && this.overlay ? this.overlay : undefined);
  }

  /** The draft as an Accept request: the one rectangle where it differs from the prediction. */
  collectDraft(): DraftAccept | null {
    const d = this.draft;
    const map = this.map;
    const pred = this.predicted;
    if (!d || !map || !pred || this.detail?.id !== d.imageId) return null;
    const diff = trimDiff(diffFromSnapshot(pred, map, { x: 0, y: 0, w: map.width, h: map.height }));
    return {
      imageId: d.imageId,
      maskClass: this.maskClass,
      edit: diff
        ? {
            rect: { x: diff.rect.x, y: diff.rect.y, width: diff.rect.w, height: diff.rect.h },
            after: toBase64(diff.after),
          }
        : null,
      strokes: d.strokes,
      durationMs: Math.round(performance.now() - d.shownAt),
    };
  }

  /** Accepted: its edits stay in the history (the server now holds the same pixels). Else dropped. */
  endDraft(accepted: boolean): void {
    const d = this.draft;
    if (!d) return;
    if (accepted) edits.draftImage = null;
    else edits.discardDraft(d.imageId);
    this.draft = null;
    this.predicted = null;
    this.overlay = null;
    this.stage?.setOverlay(undefined);
  }

  private setMap(map: LabelMap): void {
    this.map = map;
    this.mask?.dispose();
    const cls = app.maskClasses().findIndex((c) => c.name === this.maskClass);
    const color = parseColor(app.maskClasses()[cls]?.color, cls + 1);
    this.mask = new MaskLayer(map, color, () => this.stage?.redrawMask());
    this.mask.outline = this.outline;
    this.countArea();
    // A fresh canvas is transparent: an empty mask needs no first render.
    if (this.maskArea > 0) this.mask.invalidateAll();
    this.stage?.setMask(this.mask.canvas);
    this.stage?.setMaskOpacity(this.opacity);
    this.countArea();
  }

  private countArea(): void {
    const d = this.map?.data;
    let n = 0;
    if (d) for (let i = 0; i < d.length; i++) if (d[i] !== 0) n++;
    this.maskArea = n;
  }

  async switchMaskClass(name: string): Promise<void> {
    this.maskClass = name;
    if (this.detail) await this.open(this.detail.id);
  }

  setOutline(on: boolean): void {
    this.outline = on;
    if (this.mask) {
      this.mask.outline = on;
      this.mask.invalidateAll();
    }
  }

  setOpacity(o: number): void {
    this.opacity = Math.min(1, Math.max(0, o));
    this.stage?.setMaskOpacity(this.opacity);
  }

  setSize(s: number): void {
    this.size = Math.min(256, Math.max(1, Math.round(s)));
    this.syncCursor();
  }

  selectTool(tool: ToolName): void {
    if (tool !== 'pan') this.lastMaskTool = tool;
    this.handle({ type: 'select', tool });
    this.syncCursor();
  }

  get maskMode(): boolean {
    return this.tool.tool !== 'pan';
  }

  /** Mask editing on (the last mask tool) or off (the view tool). */
  setMaskMode(on: boolean): void {
    this.selectTool(on ? this.lastMaskTool : 'pan');
  }

  syncCursor(): void {
    this.stage?.setBrush(this.size, this.tool.tool === 'brush' || this.tool.tool === 'eraser');
  }

  /** True until the user zooms or pans: a resized window then refits. */
  fitted = true;

  fit(): void {
    if (this.detail) this.fitTo(this.detail.width, this.detail.height);
  }

  resized(): void {
    if (this.fitted) this.fit();
  }

  private fitTo(w: number, h: number): void {
    if (!this.stage) return;
    const { width, height } = this.stage.size;
    this.setView(fitView(w, h, width, height));
    this.fitted = true;
  }

  oneToOne(): void {
    if (!this.stage) return;
    this.fitted = false;
    const { width, height } = this.stage.size;
    this.setView(oneToOne(this.view, width, height));
  }

  zoom(factor: number, at: { x: number; y: number }): void {
    this.fitted = false;
    this.setView(zoomAt(this.view, factor, at));
  }

  private setView(v: View): void {
    this.view = v;
    this.stage?.setView(v);
  }

  /** Window/level: the first change fetches the raw stored pixels, then every drag is a LUT pass. */
  async setWindow(w: Window | null): Promise<void> {
    this.window = w;
    if (!(await this.ensureRaw())) return;
    if (!this.wlFrame) this.wlFrame = requestAnimationFrame(() => this.renderWindow());
  }

  toggleInvert(): void {
    this.invert = !this.invert;
    void this.setWindow(this.window ?? (this.raw ? autoWindow(this.raw) : null));
  }

  private async ensureRaw(): Promise<boolean> {
    if (this.raw) return true;
    const d = this.detail;
    if (!d || this.rawState === 'loading') return false;
    this.rawState = 'loading';
    try {
      const r = await fetchRaw(d.urls.raw);
      if (this.detail !== d) return false;
      this.raw = rawFromPng(d, r);
      this.rawCanvas = document.createElement('canvas');
      this.rawCanvas.width = r.width;
      this.rawCanvas.height = r.height;
      if (this.presets.length === 0 || !this.presets.some((p) => p.name === 'full range'))
        this.presets = [
          ...this.presets,
          { name: 'full range', ...fullRange(this.raw) },
          { name: 'auto (1–99 %)', ...autoWindow(this.raw) },
        ];
      this.window ??= this.presets[0] ?? autoWindow(this.raw);
      this.rawState = 'ready';
      return true;
    } catch (err) {
      this.rawState = 'error';
      app.fail(err, 'load the raw pixels for window/level');
      return false;
    }
  }

  private renderWindow(): void {
    this.wlFrame = 0;
    if (!this.raw || !this.rawCanvas || !this.window || !this.stage) return;
    const ctx = this.rawCanvas.getContext('2d')!;
    const img = ctx.createImageData(this.raw.width, this.raw.height);
    applyLut(this.raw, buildLut(this.raw, this.window, this.invert), img.data);
    ctx.putImageData(img, 0, 0);
    this.gray = null;
    this.stage.setImage(this.rawCanvas, this.raw.width, this.raw.height);
    this.renderedWindow = { center: this.window.center, width: this.window.width };
  }

  cyclePreset(): void {
    if (this.presets.length === 0) {
      void this.setWindow(null);
      return;
    }
    const i = this.presets.findIndex(
      (p) => p.center === this.window?.center && p.width === this.window?.width,
    );
    void this.setWindow(this.presets[(i + 1) % this.presets.length]);
  }

  handle(ev: ToolEvent): void {
    const t = transition(this.tool, ev);
    this.tool = t.state;
    for (const e of t.effects) this.effect(e);
  }

  private effect(e: Effect): void {
    const map = this.map;
    switch (e.type) {
      case 'pan':
        this.fitted = false;
        this.setView(pan(this.view, e.dx, e.dy));
        return;
      case 'window': {
        const d = this.detail;
        if (!d) return;
        const base = this.window ?? defaultWindow(d);
        void this.setWindow(dragWindow(base, e.dx, e.dy, modalityRange(d).width));
        return;
      }
      case 'preview':
        this.stage?.setPreview(e.points);
        return;
    }
    if (!map || !this.mask) return;
    switch (e.type) {
      case 'begin':
        this.snapshot = { ...map, data: map.data.slice() };
        this.strokeRect = { ...EMPTY_RECT };
        this.gate = this.threshold ? this.thresholdGate(e) : undefined;
        return;
      case 'paint': {
        if (this.threshold && this.gate && this.gate.lo === undefined) this.gate = this.thresholdGate(e);
        const r = strokeSegment(map, e.from, e.to, this.size, e.erase ? 0 : INSIDE, this.gate);
        this.strokeRect = union(this.strokeRect, r);
        this.mask.invalidate(r);
        return;
      }
      case 'commit':
        this.commitEdit();
        return;
      case 'fill':
      case 'region': {
        this.snapshot = { ...map, data: map.data.slice() };
        const r =
          e.type === 'fill'
            ? floodFill(
                map,
                e.at,
                INSIDE,
                this.threshold
                  ? this.thresholdGate({ type: 'paint', from: e.at, to: e.at, erase: false })
                  : undefined,
              )
            : fillPolygon(map, e.points, e.subtract ? 0 : INSIDE);
        this.strokeRect = r;
        this.mask.invalidate(r);
        this.commitEdit();
        return;
      }
    }
  }

  /** Threshold-aware brush: only pixels whose grey value is near the value where the stroke began. */
  private thresholdGate(e: Effect): PaintGate | undefined {
    if (e.type !== 'paint' || !this.detail) return {};
    const src = this.rawCanvas && this.raw ? this.rawCanvas : this.display;
    if (!src) return undefined;
    this.gray ??= intensities(src, this.detail.width, this.detail.height);
    const x = Math.min(this.detail.width - 1, Math.max(0, Math.floor(e.from.x)));
    const y = Math.min(this.detail.height - 1, Math.max(0, Math.floor(e.from.y)));
    const v = this.gray[y * this.detail.width + x];
    return { intensity: this.gray, lo: v - this.tolerance, hi: v + this.tolerance };
  }

  private commitEdit(): void {
    const map = this.map;
    const before = this.snapshot;
    this.snapshot = null;
    if (!map || !before || !this.detail || this.strokeRect.w === 0) return;
    const diff = trimDiff(diffFromSnapshot(before, map, this.strokeRect));
    if (!diff) return;
    if (this.draft?.imageId === this.detail.id) this.draft.strokes++;
    edits.recordApplied({ kind: 'mask', imageId: this.detail.id, maskClass: this.maskClass, diff });
    this.countArea();
  }

  /** Undo/redo of a mask edit: write the bytes if it belongs to what is on screen. */
  private applyMask(c: Extract<EditCommand, { kind: 'mask' }>): void {
    if (!this.map || !this.mask || c.imageId !== this.detail?.id || c.maskClass !== this.maskClass) return;
    writeRect(this.map, c.diff.rect, c.diff.after);
    this.mask.invalidate(c.diff.rect);
    this.countArea();
  }
}
