/** Thin adapter over the suggestion queue (`core/app/suggestions.ts`); jobs run in the worker. */
import {
  acceptSuggestion,
  nextSuggestion,
  rejectSuggestion,
  type SuggestJobs,
  skipSuggestion,
  unsureSuggestion,
} from '../../app/suggestions.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<
  ApiHandlers,
  'suggest.next' | 'suggest.accept' | 'suggest.reject' | 'suggest.skip' | 'suggest.unsure'
>;

export function suggestHandlers(ctx: ServiceContext): H {
  const jobs = (dir: string): SuggestJobs => ({
    running: (kind) =>
      ctx.jobs.list().find((j) => j.kind === kind && (j.state === 'running' || j.state === 'queued'))?.id ??
      null,
    startSuggest: (params) => ctx.jobs.start('suggest', dir, params).id,
  });
  return {
    'suggest.next': (p) => {
      const s = ctx.session();
      const r = nextSuggestion(s, jobs(s.dir), p);
      const m = r.suggestion?.mask;
      return {
        ...r,
        suggestion: r.suggestion && {
          ...r.suggestion,
          mask: m
            ? {
                url: ctx.opts.urls.predictionMask(m.modelId, r.suggestion.imageId),
                confidence: m.confidence,
                uncertaintyUrl: m.uncertainty
                  ? ctx.opts.urls.predictionUncertainty(m.modelId, r.suggestion.imageId)
                  : null,
              }
            : null,
        },
      };
    },
    'suggest.accept': (p) => acceptSuggestion(ctx.session(), ctx.notify, p),
    'suggest.reject': ({ imageId }) => rejectSuggestion(ctx.session(), imageId),
    'suggest.unsure': ({ imageId }) => unsureSuggestion(ctx.session(), ctx.notify, imageId),
    'suggest.skip': ({ imageId }) => skipSuggestion(ctx.session(), imageId),
  };
}
