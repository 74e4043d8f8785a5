import { writeFileSync } from 'node:fs';
import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { trainedModelReport } from '../../core/app/model-report.ts';
import { renderReportHtml } from '../../core/eval/report-html.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';

/** The same self-contained HTML report `spcxr report` writes, into the project's exports. */
export const runReportJob: JobRunner<'report'> = async (ctx) => {
  const p = jobSchemas.report.params.parse(ctx.params);
  const d = await trainedModelReport(
    ctx.store,
    { modelId: p.modelId, provider: p.provider },
    engineControl(ctx),
  );
  writeFileSync(p.out, renderReportHtml(d), { mode: 0o600 });
  return { modelId: d.model.id, path: p.out, url: p.url, n: d.n, auc: d.auc ?? null };
};
