/**
 * Server-side command history of one project session: label changes and mask edits share one
 * stack, so "undo" always undoes the last thing the user did, pixels or labels. Every command
 * carries its own inverse; the store keeps the full append-only history underneath anyway.
 */

/** The undo/redo state a shell shows (the API's `HistoryState` schema has this shape). */
export interface HistoryState {
  canUndo: boolean;
  canRedo: boolean;
  /** e.g. 'label 3 images as pneumonia', 'brush on img-12' */
  undoLabel: string | null;
  redoLabel: string | null;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What an undo/redo step touched, so a shell can refresh exactly that. */
export interface StepInfo {
  kind: 'label' | 'mask';
  imageIds: number[];
  maskClass?: string;
  description: string;
  /** For mask steps: the rectangle that changed and the map's new version. */
  rect?: Rect;
  version?: number;
}

export interface Command {
  description: string;
  undo(): Promise<StepInfo> | StepInfo;
  redo(): Promise<StepInfo> | StepInfo;
}

export class CommandHistory {
  private readonly done: Command[] = [];
  private readonly undone: Command[] = [];

  constructor(private readonly limit = 1000) {}

  /** Records a command that has just been applied; clears the redo branch. */
  push(cmd: Command): void {
    this.done.push(cmd);
    if (this.done.length > this.limit) this.done.shift();
    this.undone.length = 0;
  }

  /** Callers serialise edits and steps (ProjectSession.serial), so stacks never interleave. */
  async undo(): Promise<StepInfo | null> {
    const cmd = this.done.pop();
    if (!cmd) return null;
    // A command that cannot be undone (its image was removed) is dropped, not retried forever.
    const info = await cmd.undo();
    this.undone.push(cmd);
    return info;
  }

  async redo(): Promise<StepInfo | null> {
    const cmd = this.undone.pop();
    if (!cmd) return null;
    const info = await cmd.redo();
    this.done.push(cmd);
    return info;
  }

  state(): HistoryState {
    return {
      canUndo: this.done.length > 0,
      canRedo: this.undone.length > 0,
      undoLabel: this.done.at(-1)?.description ?? null,
      redoLabel: this.undone.at(-1)?.description ?? null,
    };
  }

  clear(): void {
    this.done.length = 0;
    this.undone.length = 0;
  }
}
