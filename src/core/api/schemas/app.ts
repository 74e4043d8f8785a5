import { z } from 'zod';
import { UserSettings } from '../../app/state.ts';

export const Settings = UserSettings;
export type Settings = UserSettings;
export const SettingsPatch = Settings.partial().strict();

export const ExportParams = z.strictObject({
  format: z.enum(['csv', 'masks', 'model', 'seg', 'coco', 'nnunet']),
  /** Apply the DICOM PS3.15 basic de-identification profile (model: to the data card). */
  deidentify: z.boolean().optional(),
  /** Output path; default: `<project>/exports/<time>-<format>`. */
  out: z.string().optional(),
  /** For 'model': which model (default: the active one). */
  modelId: z.number().int().optional(),
});
export const ExportResult = z.object({
  path: z.string(),
  files: z.number().int(),
  /** Download URL when the output lies inside the project (serve mode). */
  url: z.string().nullable(),
});

export const AppInfo = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'serve', 'in-process']),
  node: z.string(),
  electron: z.string().nullable(),
  platform: z.string(),
  arch: z.string(),
  /** Path of the open project, or null. */
  project: z.string().nullable(),
  /** serve binds one project: open/create elsewhere is refused. */
  projectLocked: z.boolean(),
});

export const DoctorCheck = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const DoctorReport = z.object({
  /** False when a required part has a problem (optional parts never fail it). */
  ok: z.boolean(),
  /** One line: 'ready: …' or 'PROBLEMS: …'. */
  verdict: z.string(),
  checks: z.array(DoctorCheck),
  executionProviders: z.array(z.string()),
  gpuAdapter: z.string().nullable(),
});
