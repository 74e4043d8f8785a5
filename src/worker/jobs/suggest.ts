import { jobSchemas } from '../../core/api/schemas/job-map.ts';
import { suggestionPass } from '../../core/app/suggestion-pass.ts';
import type { JobRunner } from '../types.ts';
import { engineControl } from './engine-options.ts';
import { recordEncoder } from './record-encoder.ts';

/** Thin adapter: one suggestion pass (`core/app/suggestion-pass.ts`), then the encoder it ran on. */
export const runSuggestJob: JobRunner<'suggest'> = async (ctx) => {
  const p = jobSchemas.suggest.params.parse(ctx.params ?? {});
  const r = await suggestionPass(ctx.store, p, engineControl(ctx));
  recordEncoder(ctx.store);
  return r;
};
