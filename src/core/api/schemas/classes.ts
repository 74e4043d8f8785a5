import { z } from 'zod';

const Name = z.string().trim().min(1).max(64);
const ClassId = z.number().int().positive();

export const ClassOp = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), name: Name, kind: z.enum(['image', 'mask']).optional() }),
  z.strictObject({ op: z.literal('rename'), id: ClassId, name: Name }),
  z.strictObject({ op: z.literal('merge'), id: ClassId, into: ClassId }),
  z.strictObject({ op: z.literal('remove'), id: ClassId }),
]);

export const ClassImpact = z.object({ labels: z.number().int(), masks: z.number().int() });

export const ClassEvent = z.object({
  id: z.number().int(),
  op: z.enum(['add', 'rename', 'merge', 'remove', 'undo']),
  classId: z.number().int(),
  className: z.string().nullable(),
  kind: z.enum(['image', 'mask']),
  target: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  labels: z.number().int(),
  masks: z.number().int(),
  author: z.string(),
  at: z.string(),
  undone: z.boolean(),
});
export type ClassEvent = z.infer<typeof ClassEvent>;

export const ClassListEntry = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['image', 'mask']),
  task: z.string(),
  color: z.string().nullable(),
  /** Current labels (image classes) or masks (mask classes) of this class. */
  count: z.number().int(),
});

export const ClassList = z.object({
  classes: z.array(ClassListEntry),
  /** Newest first. */
  history: z.array(ClassEvent),
});

export const ClassApplyParams = z.strictObject({
  op: ClassOp,
  /** Required when labels or masks change; must equal `classes.impact` for the same op. */
  confirm: ClassImpact.optional(),
});

export const ClassApplyResult = z.object({ affected: ClassImpact, event: ClassEvent });
export const ClassUndoResult = z.object({
  undone: ClassEvent,
  restored: z.number().int(),
  /** Labels or masks not brought back because they changed after the operation. */
  kept: z.number().int(),
});
