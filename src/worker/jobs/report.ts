import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { reportTrainedModel } from '../../core/app/evaluate.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';

/** The same self-contained HTML report `spcxr report` writes, into the project's exports. */
export const runReportJob: JobRunner<'report'> = async (ctx) => {
  const p = jobSchemas.report.params.parse(ctx.params);
  const { data: d } = await reportTrainedModel(
    ctx.store,
    { modelId: p.modelId, provider: p.provider, out: p.out },
    engineControl(ctx),
  );
  return { modelId: d.model.id, path: p.out, url: p.url, n: d.n, auc: d.auc ?? null };
};
