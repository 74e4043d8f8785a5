import type { AnnotationSource, ProjectStore } from '../store/index.ts';
import type { ImportItem, ImportResult } from './types.ts';
import { imageWarnings, SopIndex } from './warnings.ts';

/** What the writer needs of a prepared item: the image row (new) or its hash (duplicate). */
export interface Pending {
  item: ImportItem;
  image?: Parameters<ProjectStore['addImage']>[0];
  sha256: string;
  maskPng?: Buffer;
}

/**
 * Commits prepared items in batches: one transaction per batch, so a kill loses at most the
 * batch in flight (whose files are complete on disk and reused by the next run) and never
 * leaves an image without its label or mask from the same manifest row.
 */
export class BatchWriter {
  private queue: Pending[] = [];
  private lastFlush = Date.now();
  /** Items finished out of order wait here, so rows are committed in input order (stable ids). */
  private readonly ready = new Map<number, Pending | null>();
  private nextIndex = 0;
  /** Duplicates whose original (same hash, later in the input) is not committed yet. */
  private deferred: Pending[] = [];
  private readonly sops = new SopIndex(() =>
    this.store.listImages({ limit: -1 }).items.map((i) => ({
      id: i.id,
      file: i.originalPath,
      sop: (i.meta as { sopInstanceUid?: string }).sopInstanceUid,
    })),
  );

  constructor(
    private readonly store: ProjectStore,
    private readonly result: ImportResult,
    private readonly author: string,
    private readonly maxBatch = 32,
    private readonly maxDelayMs = 250,
  ) {}

  /** Hands over item `index` (null when it failed); returns how many items were committed. */
  push(index: number, p: Pending | null): number {
    this.ready.set(index, p);
    while (this.ready.has(this.nextIndex)) {
      const q = this.ready.get(this.nextIndex);
      this.ready.delete(this.nextIndex++);
      if (q) this.queue.push(q);
    }
    if (this.queue.length >= this.maxBatch || Date.now() - this.lastFlush >= this.maxDelayMs)
      return this.flush();
    return 0;
  }

  /** Returns how many items were committed. */
  flush(): number {
    const batch = this.queue;
    this.queue = [];
    this.lastFlush = Date.now();
    return this.commit(batch, false);
  }

  /** Commits what is left, deferred duplicates last; returns how many items that was. */
  finish(): number {
    const n = this.flush();
    const d = this.deferred;
    this.deferred = [];
    return n + this.commit(d, true);
  }

  private commit(batch: Pending[], last: boolean): number {
    if (batch.length === 0) return 0;
    let deferred = 0;
    const before = this.snapshot();
    try {
      this.store.transaction(() => {
        for (const p of batch) {
          if (!p.image && !last && !this.store.findImageBySha(p.sha256)) {
            this.deferred.push(p);
            deferred++;
            continue;
          }
          // A savepoint per item: one bad row rolls back alone, the rest of the batch commits.
          const mark = this.snapshot();
          try {
            this.store.transaction(() => this.write(p));
          } catch (e) {
            this.restore(mark);
            this.result.failed.push({ file: p.item.file, reason: (e as Error).message });
          }
        }
      });
    } catch (e) {
      // The whole batch rolled back (disk full, database locked too long): say so for each file.
      this.restore(before);
      const reason = `not saved: ${(e as Error).message}`;
      for (const p of batch) this.result.failed.push({ file: p.item.file, reason });
      return batch.length;
    }
    return batch.length - deferred;
  }

  /** Counters and list lengths, so a rolled-back write can take its counts back. */
  private snapshot() {
    const r = this.result;
    return {
      added: r.added,
      duplicates: r.duplicates,
      labelsSet: r.labelsSet,
      masksSet: r.masksSet,
      conflicts: r.labelConflicts.length,
      classes: r.classesAdded.length,
      failed: r.failed.length,
      warnings: r.warnings.length,
    };
  }

  private restore(s: ReturnType<BatchWriter['snapshot']>): void {
    const r = this.result;
    r.added = s.added;
    r.duplicates = s.duplicates;
    r.labelsSet = s.labelsSet;
    r.masksSet = s.masksSet;
    r.labelConflicts.length = s.conflicts;
    r.classesAdded.length = s.classes;
    r.failed.length = s.failed;
    r.warnings.length = s.warnings;
  }

  private warn(p: Pending, imageId: number): void {
    const meta = (p.image?.meta ?? {}) as Parameters<typeof imageWarnings>[1];
    const file = p.item.file;
    for (const w of imageWarnings(file, meta)) this.result.warnings.push({ ...w, imageId });
    const prev = this.sops.check(meta.sopInstanceUid, imageId, file);
    if (prev)
      this.result.warnings.push({
        file,
        imageId,
        kind: 'same-sop',
        message: `same SOP Instance UID as ${prev.file} (image ${prev.id}) with different bytes: one acquisition twice, which could land in training and validation at once`,
      });
  }

  /** Creates a manifest's new class; a look-alike of an existing one is reported, not created. */
  private ensureClass(p: Pending, label: string): boolean {
    if (this.store.listClasses('image').some((c) => c.name === label)) return true;
    try {
      this.store.addClass(label, 'image', undefined, null, this.author);
    } catch (e) {
      const where = p.item.origin ?? p.item.file;
      this.result.failed.push({ file: where, reason: `label not set: ${(e as Error).message}` });
      return false;
    }
    this.result.classesAdded.push(label);
    return true;
  }

  private write(p: Pending): void {
    const src: AnnotationSource = 'import';
    let id: number;
    if (p.image) {
      const r = this.store.addImage(p.image);
      id = r.id;
      if (r.created) {
        this.result.added++;
        this.warn(p, id);
      } else this.result.duplicates++;
    } else {
      const found = this.store.findImageBySha(p.sha256);
      if (!found) throw new Error('identical to another file of this import, which failed');
      id = found.id;
      this.result.duplicates++;
    }
    const label = p.item.label;
    if (label !== undefined && this.ensureClass(p, label)) {
      const cur = this.store.getLabel(id);
      if (!cur) {
        this.store.setLabel({ imageId: id, label, author: this.author, source: src });
        this.result.labelsSet++;
      } else if (cur.label !== label) {
        this.result.labelConflicts.push({ file: p.item.file, project: cur.label, manifest: label });
      }
    }
    if (p.maskPng && !this.store.getMask(id)) {
      try {
        this.store.transaction(() =>
          this.store.setMask({ imageId: id, png: p.maskPng!, author: this.author, source: src }),
        );
        this.result.masksSet++;
      } catch (e) {
        // The image and its label stay; only the mask is refused.
        this.result.failed.push({ file: p.item.mask ?? p.item.file, reason: (e as Error).message });
      }
    }
  }
}
