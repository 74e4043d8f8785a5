/**
 * The typed job map: for each job kind, the params the worker accepts and the result it
 * returns. The worker checks every result against it before reporting `done`, and clients read
 * results through `jobResult`, so no shell casts `job.result`. Results are checked loosely
 * (`looseResult`): a field a newer worker adds reaches the client unchanged.
 */
import { z } from 'zod';
import { STRATEGIES } from '../../active/types.ts';
import { ExportParams, ExportResult } from './app.ts';
import { ImportParams, type JobInfo, type JobKind, TrainParams } from './jobs.ts';
import { PacsRetrieveParams } from './pacs.ts';
import { ExecutionProvider } from './project.ts';

/** The handler adds the project's execution-provider setting to every engine job. */
export const WithProvider = z.object({ provider: ExecutionProvider.default('auto') });

export const SuggestJobParams = z
  .object({
    task: z.enum(['classify', 'segment']).default('classify'),
    strategy: z.enum(STRATEGIES).default('hybrid'),
    n: z.number().int().min(1).max(500).default(20),
  })
  .extend(WithProvider.shape);
/** The handler resolves `out` (inside the project unless the shell allows otherwise) and its URL. */
export const ExportJobParams = ExportParams.extend({ out: z.string(), url: z.string().nullable() });

const FileReason = z.object({ file: z.string(), reason: z.string() });

export const ImportJobResult = z.object({
  total: z.number().int(),
  added: z.number().int(),
  duplicates: z.number().int(),
  labelsSet: z.number().int(),
  masksSet: z.number().int(),
  labelConflicts: z.array(z.object({ file: z.string(), project: z.string(), manifest: z.string() })),
  classesAdded: z.array(z.string()),
  skipped: z.array(FileReason),
  failed: z.array(FileReason),
  warnings: z
    .array(
      z.object({ file: z.string(), kind: z.string(), message: z.string(), imageId: z.number().optional() }),
    )
    .default([]),
  cancelled: z.boolean(),
  ms: z.number().optional(),
});

export const FeaturesJobResult = z.object({
  computed: z.number().int(),
  cached: z.number().int(),
  images: z.number().int(),
  provider: z.string(),
  device: z.string().optional(),
});

export const TrainJobResult = z.object({
  modelId: z.number().int(),
  name: z.string(),
  head: z.string(),
  classes: z.array(z.string()),
  trainImages: z.number().int(),
  valImages: z.number().int(),
  /** False when the new model was worse than the active one: it stays a candidate. */
  promoted: z.boolean(),
  promotion: z.string(),
});

export const SuggestJobResult = z.object({
  count: z.number().int(),
  used: z.string().optional(),
  fallback: z.string().nullable(),
  modelId: z.number().int().nullable().optional(),
  trained: z.boolean().optional(),
});

export const RetrieveJobResult = z.object({
  studies: z.array(
    z.object({ studyInstanceUid: z.string(), received: z.number().int(), error: z.string().optional() }),
  ),
  /** The ordinary import's report over everything received. */
  import: ImportJobResult,
  cancelled: z.boolean(),
});

/** A model's HTML report, written under the project's exports folder for download. */
export const ReportJobParams = z
  .object({ modelId: z.number().int(), out: z.string(), url: z.string() })
  .extend(WithProvider.shape);
export const ReportJobResult = z.object({
  modelId: z.number().int(),
  path: z.string(),
  url: z.string(),
  n: z.number().int(),
  auc: z.number().nullable(),
});

export const jobSchemas = {
  import: { params: ImportParams, result: ImportJobResult },
  features: { params: WithProvider, result: FeaturesJobResult },
  train: { params: TrainParams.extend(WithProvider.shape), result: TrainJobResult },
  suggest: { params: SuggestJobParams, result: SuggestJobResult },
  export: { params: ExportJobParams, result: ExportResult },
  retrieve: { params: PacsRetrieveParams.required({ callingAet: true }), result: RetrieveJobResult },
  report: { params: ReportJobParams, result: ReportJobResult },
} as const satisfies Record<JobKind, { params: z.ZodType; result: z.ZodType }>;

/**
 * The phases each kind goes through, in order, with their share of the whole job; `progress.
 * phase` is matched by prefix. Shares are rough costs on a CPU (features dominate a first run),
 * so the overall bar moves steadily; a phase that is skipped (cached features) is jumped over.
 */
export const jobPhases: Record<JobKind, ReadonlyArray<readonly [phase: string, share: number]>> = {
  import: [['importing', 1]],
  features: [['features', 1]],
  train: [
    ['features', 0.4],
    ['train', 0.35],
    ['eval', 0.1],
    ['predict', 0.15],
  ],
  suggest: [
    ['features', 0.5],
    ['train', 0.2],
    ['eval', 0.05],
    ['predict', 0.15],
    ['mask uncertainty', 0.1],
  ],
  export: [['export', 1]],
  retrieve: [['study', 1]],
  report: [['features', 1]],
};

export type ImportJobResult = z.output<typeof ImportJobResult>;
export type JobResults = { [K in JobKind]: z.output<(typeof jobSchemas)[K]['result']> };

/** The kind's result schema, keeping fields it does not name. */
export function looseResult(kind: JobKind) {
  return jobSchemas[kind].result.loose();
}

/** A finished job's result as its kind's type, or null (another kind, not done, or malformed). */
export function jobResult<K extends JobKind>(
  job: Pick<JobInfo, 'kind' | 'result'> | undefined,
  kind: K,
): JobResults[K] | null {
  if (!job || job.kind !== kind || job.result == null) return null;
  const parsed = looseResult(kind).safeParse(job.result);
  return parsed.success ? (parsed.data as JobResults[K]) : null;
}
