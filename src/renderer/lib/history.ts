/**
 * One undo history for every change, pixels and labels alike. Commands are plain data and
 * carry their own inverse (see `invert`); a transaction collapses into one undo step.
 */
import type { EditCommand } from './types.ts';

export function invert(c: EditCommand): EditCommand {
  switch (c.kind) {
    case 'mask':
      return {
        ...c,
        diff: { rect: c.diff.rect, before: c.diff.after, after: c.diff.before },
      };
    case 'label':
      // Undo and redo are not annotation time: the inverse carries no duration.
      return { kind: 'label', imageId: c.imageId, before: c.after, after: c.before };
    case 'review':
      return { ...c, before: c.after, after: c.before };
    case 'batch':
      return { kind: 'batch', commands: c.commands.map(invert).reverse() };
  }
}

/** Applies a command to whatever holds the state (the editor and, through it, the server). */
export type Apply = (c: EditCommand) => void;

export class History {
  private done: EditCommand[] = [];
  private undone: EditCommand[] = [];
  private open: EditCommand[] | null = null;

  constructor(
    private readonly apply: Apply,
    private readonly limit = 500,
  ) {}

  /** Records a command that the caller has already applied (a stroke painted live). */
  record(c: EditCommand): void {
    if (this.open) {
      this.open.push(c);
      return;
    }
    this.done.push(c);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  /** Applies then records. */
  run(c: EditCommand): void {
    this.apply(c);
    this.record(c);
  }

  begin(): void {
    if (this.open) throw new Error('transaction already open');
    this.open = [];
  }

  commit(): void {
    const cmds = this.open;
    this.open = null;
    if (!cmds || cmds.length === 0) return;
    this.record(cmds.length === 1 ? cmds[0] : { kind: 'batch', commands: cmds });
  }

  /** Rolls back everything applied inside the open transaction. */
  abort(): void {
    const cmds = this.open;
    this.open = null;
    if (cmds) for (let i = cmds.length - 1; i >= 0; i--) this.apply(invert(cmds[i]));
  }

  get inTransaction(): boolean {
    return this.open !== null;
  }
  get canUndo(): boolean {
    return this.done.length > 0 && !this.open;
  }
  get canRedo(): boolean {
    return this.undone.length > 0 && !this.open;
  }
  get size(): { undo: number; redo: number } {
    return { undo: this.done.length, redo: this.undone.length };
  }

  /**
   * Forgets commands (done or undone) that match, e.g. the edits of a mask draft that was never
   * stored: undoing them later would send edits the server never saw.
   */
  discard(match: (c: EditCommand) => boolean): void {
    this.done = this.done.filter((c) => !match(c));
    this.undone = this.undone.filter((c) => !match(c));
  }

  undo(): EditCommand | null {
    if (!this.canUndo) return null;
    const c = this.done.pop()!;
    this.apply(invert(c));
    this.undone.push(c);
    return c;
  }

  redo(): EditCommand | null {
    if (!this.canRedo) return null;
    const c = this.undone.pop()!;
    this.apply(c);
    this.done.push(c);
    return c;
  }

  clear(): void {
    this.done = [];
    this.undone = [];
    this.open = null;
  }
}
