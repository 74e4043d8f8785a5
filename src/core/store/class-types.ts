import type { ClassKind, ClassRow } from './types.ts';

/** One change to the label schema. Merge and remove take ids, so a rename cannot redirect them. */
export type ClassOp =
  | { op: 'add'; name: string; kind?: ClassKind; task?: string }
  | { op: 'rename'; id: number; name: string }
  | { op: 'merge'; id: number; into: number }
  | { op: 'remove'; id: number };

/** Labels and masks an operation changes (merge moves labels, remove clears labels and masks). */
export interface ClassImpact {
  labels: number;
  masks: number;
}

export interface ClassEvent {
  id: number;
  op: 'add' | 'rename' | 'merge' | 'remove' | 'undo';
  classId: number;
  /** Name the class had when it was live (a removed class's name is freed in the table). */
  className: string | null;
  kind: ClassKind;
  /** Merge: the class the labels went to. */
  target: string | null;
  from: string | null;
  to: string | null;
  labels: number;
  masks: number;
  author: string;
  at: string;
  undone: boolean;
}

export interface ClassOpResult {
  /** The class after the operation (merge: the target; remove: null). */
  class: ClassRow | null;
  affected: ClassImpact;
  event: ClassEvent;
}

/** Thrown when an operation would change labels or masks that the caller did not confirm. */
export class ClassConfirmError extends Error {
  constructor(readonly impact: ClassImpact) {
    super(
      `this changes ${impact.labels} label${impact.labels === 1 ? '' : 's'} and ${impact.masks} mask${impact.masks === 1 ? '' : 's'}; confirm to go ahead`,
    );
    this.name = 'ClassConfirmError';
  }
}
