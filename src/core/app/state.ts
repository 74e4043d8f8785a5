/**
 * The one owner of the project state that is not a table of its own: every settings key, with
 * the zod schema its value must satisfy. Readers get a typed value or the default (a value
 * written by an older or broken version is ignored, never cast); writers are validated.
 * Shells and worker jobs use these accessors and never spell a key.
 */
import { z } from 'zod';
import { STRATEGIES } from '../active/types.ts';
import { DicomSettings } from '../interop/pacs/types.ts';

/** The part of the store settings live in (structural: the renderer type-checks these schemas
 * through the contract and must not see the Node-only store types). */
interface SettingsStore {
  getSetting(key: string): unknown;
  setSetting(key: string, value: unknown): void;
}

export interface Accessor<T> {
  readonly key: string;
  get(store: SettingsStore): T | null;
  set(store: SettingsStore, value: T): void;
}

function setting<S extends z.ZodType>(key: string, schema: S): Accessor<z.output<S>> {
  return {
    key,
    get(store) {
      const raw = store.getSetting(key);
      if (raw === undefined) return null;
      const parsed = schema.safeParse(raw);
      return parsed.success ? parsed.data : null;
    },
    set(store, value) {
      store.setSetting(key, schema.parse(value));
    },
  };
}

export const ExecutionProviderName = z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml']);

/** User preferences of this project. */
export const UserSettings = z.object({
  executionProvider: ExecutionProviderName,
  /** Retrain in the background after this many new labels (0 = never). */
  retrainEvery: z.number().int().min(0).max(10_000),
  /** Name stored with every label and mask edit. */
  author: z.string().min(1).max(100),
});
export type UserSettings = z.infer<typeof UserSettings>;

/** Encoder in use as last recorded by the features job (null before the first run). */
export const EncoderState = z.object({
  name: z.string(),
  /** false when the shipped files do not match model.json's sha256 (see doctor). */
  checksumOk: z.boolean(),
  /** Provider actually in use ('cpu', 'webgpu', ...), not the requested one. */
  executionProvider: z.string(),
  /** Human-readable device, e.g. the GPU adapter name, when known. */
  device: z.string().optional(),
});
export type EncoderState = z.infer<typeof EncoderState>;

export const SuggestionStrategy = z.enum([...STRATEGIES, 'coldstart']);

/** The queue written by the suggest job: suggestions in order, with the model that pre-filled them. */
export const SuggestionQueue = z.object({
  task: z.enum(['classify', 'segment']),
  segmentModelId: z.number().int().nullable(),
  items: z.array(
    z.object({
      imageId: z.number().int(),
      strategy: SuggestionStrategy,
      reason: z.string(),
      score: z.number(),
      label: z.object({ name: z.string(), confidence: z.number() }).nullable(),
      maskConfidence: z.number().nullable(),
    }),
  ),
});
export type SuggestionQueue = z.infer<typeof SuggestionQueue>;

export const state = {
  settings: setting('api.settings', UserSettings.partial()),
  encoder: setting('api.encoder', EncoderState),
  suggestions: setting('api.suggestions', SuggestionQueue),
  /** This app's AE title, the DICOM receiver and the default PACS (`spcxr pacs|receive --save`). */
  dicom: setting('interop.dicom', DicomSettings),
  // Active-learning scores live in the images.al_score column (store.setAlScores), so the grid
  // can sort on them in SQL; migration 3 moved the old value there.
} as const;

/** The project's DICOM settings with defaults filled in (a broken stored value reads as defaults). */
export function dicomSettings(store: SettingsStore | undefined): DicomSettings {
  return (store && state.dicom.get(store)) ?? DicomSettings.parse({});
}
