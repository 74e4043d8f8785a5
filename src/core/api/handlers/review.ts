import { answerReview, nextReview, reviewSummary } from '../../app/review.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'review.next' | 'review.answer' | 'review.summary'>;

/** Thin adapter over the review use case (`core/app/review.ts`). */
export function reviewHandlers(ctx: ServiceContext): H {
  return {
    'review.next': ({ exclude }) => nextReview(ctx.session(), exclude),
    'review.answer': (p) => answerReview(ctx.session(), ctx.notify, p),
    'review.summary': () => reviewSummary(ctx.session()),
  };
}
