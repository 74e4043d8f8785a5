import { z } from 'zod';
import { EncoderState, ExecutionProviderName } from '../../app/state.ts';
import { ActiveModels } from './models.ts';

export const ClassDef = z.object({
  name: z.string(),
  id: z.number().int(),
  /** 'image' classes are image labels; each 'mask' class has its own 8-bit label map per image. */
  kind: z.enum(['image', 'mask']),
  color: z.string().nullable(),
});
export type ClassDef = z.infer<typeof ClassDef>;

export const ExecutionProvider = ExecutionProviderName;
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

/**
 * The encoder a job ran on (`loaded`), or, before any job loaded it, the one the worker will use:
 * named, with its provider and checksum not yet known.
 */
export const EncoderInfo = EncoderState.extend({
  loaded: z.boolean(),
  checksumOk: z.boolean().nullable(),
  executionProvider: z.string().nullable(),
});
export type EncoderInfo = z.infer<typeof EncoderInfo>;

export const ProjectCounts = z.object({
  images: z.number().int(),
  labelled: z.number().int(),
  unlabelled: z.number().int(),
  suggested: z.number().int(),
  needsReview: z.number().int(),
  masks: z.number().int(),
  /** Labelled images per class name. */
  perClass: z.record(z.string(), z.number().int()),
  /** Images per source/site. */
  perSource: z.record(z.string(), z.number().int()),
});

export const ProjectInfo = z.object({
  path: z.string(),
  name: z.string(),
  classes: z.array(ClassDef),
  counts: ProjectCounts,
  encoder: EncoderInfo.nullable(),
  /** Classifier used for predictions and suggestions, if any has been trained. */
  activeModelId: z.number().int().nullable(),
  /** Active model of each task (classifier and segmenter are independent). */
  activeModels: ActiveModels,
  /** Everyone who wrote a current label or mask (the grid's author filter). */
  authors: z.array(z.string()),
});
export type ProjectInfo = z.infer<typeof ProjectInfo>;

export const ProjectOpenParams = z.strictObject({ path: z.string().min(1) });
export const ProjectCreateParams = z.strictObject({
  path: z.string().min(1),
  /** Image label classes, e.g. ['normal', 'pneumonia']; may be empty (added later). */
  classes: z.array(z.string().min(1).max(64)).max(255).default([]),
  name: z.string().max(200).optional(),
  /** Mask classes; default ['lung']. */
  maskClasses: z.array(z.string().min(1).max(64)).max(32).optional(),
});

export const RecentProject = z.object({ path: z.string(), name: z.string(), openedAt: z.string() });
