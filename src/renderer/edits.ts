/**
 * Where every change goes: the one undo history (labels and pixels), then the autosave
 * queue that stores it through the API in order. The open editor registers a hook so undo
 * of a stroke also repaints the canvas it came from.
 */
import type { ApiClient } from '../core/api/contract.ts';
import { toBase64 } from './lib/base64.ts';
import { History, invert } from './lib/history.ts';
import { describe, flatten, planRemote } from './lib/remote-plan.ts';
import { SaveQueue, type SaveStatus } from './lib/save-queue.ts';
import type { EditCommand } from './lib/types.ts';

export interface EditHooks {
  /** The open editor writes mask diffs for its image into its label map. */
  mask?: (c: Extract<EditCommand, { kind: 'mask' }>) => void;
  /** Label changes: update the views that show them. */
  label?: (imageId: number, label: string | null) => void;
  /** Review flag changes. */
  review?: (imageId: number, needsReview: boolean) => void;
  /** After every change (counts, undo buttons). */
  changed?: () => void;
}

export class Edits {
  readonly history: History;
  readonly queue: SaveQueue;
  hooks: EditHooks = {};
  /**
   * The image whose mask is a draft (a pre-filled prediction being corrected): its mask edits
   * go into the history (undo works) but are not saved; Accept stores the result in one request.
   */
  draftImage: number | null = null;

  constructor(
    private readonly api: ApiClient,
    onStatus: (s: SaveStatus) => void,
  ) {
    this.history = new History((c) => this.applyLocal(c));
    this.queue = new SaveQueue(onStatus);
  }

  /** A change already visible on screen (a finished stroke): record and save it. */
  recordApplied(c: EditCommand): void {
    this.history.record(c);
    this.save(c);
    this.hooks.changed?.();
  }

  /** A change to make now (labels): apply locally, record, save. */
  run(c: EditCommand): void {
    this.history.run(c);
    this.save(c);
    this.hooks.changed?.();
  }

  undo(): boolean {
    const c = this.history.undo();
    if (!c) return false;
    // The undo itself is stored as a new edit, so the server's full history keeps both.
    this.save(invert(c));
    this.hooks.changed?.();
    return true;
  }

  redo(): boolean {
    const c = this.history.redo();
    if (!c) return false;
    this.save(c);
    this.hooks.changed?.();
    return true;
  }

  /** Ends a draft that was not accepted: its edits leave the history, nothing was stored. */
  discardDraft(imageId: number): void {
    if (this.draftImage === imageId) this.draftImage = null;
    this.history.discard((c) => flatten(c).some((x) => x.kind === 'mask' && x.imageId === imageId));
    this.hooks.changed?.();
  }

  private applyLocal(c: EditCommand): void {
    for (const x of flatten(c)) {
      if (x.kind === 'mask') this.hooks.mask?.(x);
      else if (x.kind === 'review') this.hooks.review?.(x.imageId, x.after);
      else this.hooks.label?.(x.imageId, x.after);
    }
  }

  private save(c: EditCommand): void {
    for (const op of planRemote(c)) {
      if (op.op === 'mask' && op.imageId === this.draftImage) continue;
      this.queue.push(describe(c), async () => {
        if (op.op === 'mask') {
          await this.api.invoke('masks.saveEdit', {
            imageId: op.imageId,
            maskClass: op.maskClass,
            rect: { x: op.rect.x, y: op.rect.y, width: op.rect.w, height: op.rect.h },
            before: toBase64(op.before),
            after: toBase64(op.after),
            tool: 'edit',
          });
        } else if (op.op === 'review') {
          await this.api.invoke('labels.setReview', { imageIds: op.imageIds, needsReview: op.needsReview });
        } else if (op.op === 'set') {
          await this.api.invoke('labels.set', {
            imageIds: op.imageIds,
            label: op.label,
            source: 'human',
            durationMs: op.durationMs,
          });
        } else {
          await this.api.invoke('labels.clear', { imageIds: op.imageIds });
        }
      });
    }
  }
}
