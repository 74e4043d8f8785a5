import { agreements } from '../../review/agreement.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'review.next' | 'review.answer' | 'review.summary'>;

/** Thin adapter: reviews live in the store (`store/reviews.ts`), agreement in `core/review`. */
export function reviewHandlers(ctx: ServiceContext): H {
  return {
    'review.next': ({ exclude }) => {
      const s = ctx.session();
      const me = s.settings().author;
      const skip = new Set(exclude ?? []);
      const todo = s.store.reviewCandidates(me).filter((id) => !skip.has(id));
      return { imageId: todo[0] ?? null, remaining: todo.length, reviewer: me };
    },
    'review.answer': ({ imageId, label, durationMs }) => {
      const s = ctx.session();
      s.image(imageId);
      const r = s.store.addReview({ imageId, label, author: s.settings().author, durationMs });
      if (r.verdict === 'reject') {
        ctx.emit('labels.changed', { imageIds: [imageId] });
        ctx.changed();
      }
      return { verdict: r.verdict, reviewed: r.reviewed, labeller: r.labeller };
    },
    'review.summary': () => {
      const s = ctx.session();
      const rows = s.store.listReviews();
      const people = new Map(
        s.store
          .authorStats()
          .map((a) => [a.author, { ...a, reviews: 0, reviewMeanMs: null as number | null }]),
      );
      for (const r of rows) {
        const p = people.get(r.author) ?? {
          author: r.author,
          labels: 0,
          meanMs: null,
          timed: 0,
          reviews: 0,
          reviewMeanMs: null,
        };
        if (r.durationMs !== null)
          p.reviewMeanMs = ((p.reviewMeanMs ?? 0) * p.reviews + r.durationMs) / (p.reviews + 1);
        p.reviews++;
        people.set(r.author, p);
      }
      return {
        reviewer: s.settings().author,
        agreements: agreements(rows),
        authors: [...people.values()],
        reviews: rows.length,
        rejected: rows.filter((r) => r.verdict === 'reject').length,
      };
    },
  };
}
