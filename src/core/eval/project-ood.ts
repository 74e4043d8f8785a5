import type { Encoder } from '../model/encoder.ts';
import type { RunControl } from '../model/types.ts';
import type { ModelRow, ProjectStore } from '../store/types.ts';
import { modelContext } from './model-checks.ts';
import { oodScores, oodSummary } from './ood.ts';
import { pooledMatrix } from './training-set.ts';
import type { EvalWarning, OodSummary } from './types.ts';

/** Settings key of a model's per-image out-of-distribution flags over the project's images. */
export const OOD_KEY = (modelId: number) => `eval.ood.${modelId}`;

export interface StoredOod {
  threshold: number;
  /** Image id → score, for images above the threshold only (the grid's badge). */
  flagged: Record<string, number>;
  summary: OodSummary;
}

/**
 * Scores project images against a classifier's training data and stores which ones look unlike
 * it, so the grid and viewer can badge them; returns the summary and a shift warning.
 */
export async function projectOod(
  project: ProjectStore,
  encoder: Encoder,
  row: ModelRow,
  ids: number[],
  ctl: RunControl = {},
): Promise<{ summary: OodSummary; warnings: EvalWarning[] } | null> {
  const ctx = await modelContext(project, encoder, row, ctl);
  if (!ctx.ood || !ids.length) return null;
  const { x } = await pooledMatrix(project, encoder, ids, ctl, ctx.layer);
  const s = oodScores(ctx.ood.ref, x, ctx.ood.cal.k);
  const summary = oodSummary(ctx.ood.cal, s);
  const flagged: Record<string, number> = {};
  ids.forEach((id, i) => {
    if (s[i] > ctx.ood!.cal.threshold) flagged[id] = s[i];
  });
  project.setSetting(OOD_KEY(row.id), {
    threshold: ctx.ood.cal.threshold,
    flagged,
    summary,
  } satisfies StoredOod);
  const warnings: EvalWarning[] = [];
  if (summary.shifted)
    warnings.push({
      code: 'distribution-shift',
      message:
        `${(summary.share * 100).toFixed(0)} % of the scored images (${summary.flagged} of ${summary.n}) look unlike ` +
        `this model's training images (about ${(summary.expectedShare * 100).toFixed(0)} % expected): its predictions ` +
        'on them are less reliable. They are marked "unlike training" in the grid.',
      details: { share: summary.share, flagged: summary.flagged, n: summary.n },
    });
  return { summary, warnings };
}

/** Flagged image ids of a model (empty when never scored). */
export function oodFlags(project: ProjectStore, modelId: number): Record<string, number> {
  return project.getSetting<StoredOod>(OOD_KEY(modelId))?.flagged ?? {};
}
