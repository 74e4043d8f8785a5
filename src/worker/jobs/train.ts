import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { trainAndScore } from '../../core/app/train.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';
import { recordEncoder } from './record-encoder.ts';

export const runTrainJob: JobRunner<'train'> = async (ctx) => {
  const p = jobSchemas.train.params.parse(ctx.params);
  const r = await trainAndScore(ctx.store, p, engineControl(ctx));
  recordEncoder(ctx.store);
  // The full curve, once more, so a client that joined late still gets every epoch.
  for (const h of r.history) ctx.metrics(h.epoch + 1, { trainLoss: h.trainLoss, valLoss: h.valLoss });
  const { history: _h, valImageIds: _v, ...result } = r;
  return result;
};
