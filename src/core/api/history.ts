/**
 * Server-side command history of one project session: label changes and mask edits share one
 * stack, so "undo" always undoes the last thing the user did, pixels or labels. Every command
 * carries its own inverse; the store keeps the full append-only history underneath anyway.
 */
import type { z } from 'zod';
import type { HistoryState } from './contract.ts';
import type { HistoryStepResult } from './schemas/edits.ts';

export type StepInfo = NonNullable<z.output<typeof HistoryStepResult>['applied']>;

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
