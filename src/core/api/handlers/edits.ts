/** Thin adapter: labels, review flags and mask edits (`core/app/labels.ts`, `masks.ts`). */
import { clearLabels, setLabels, setReviewFlags } from '../../app/labels.ts';
import { getMask, saveMaskEdit } from '../../app/masks.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<
  ApiHandlers,
  'labels.set' | 'labels.clear' | 'labels.setReview' | 'masks.get' | 'masks.saveEdit'
>;

export function editHandlers(ctx: ServiceContext): H {
  return {
    'labels.set': (p) => setLabels(ctx.session(), ctx.notify, p),
    'labels.clear': ({ imageIds }) => clearLabels(ctx.session(), ctx.notify, imageIds),
    'labels.setReview': ({ imageIds, needsReview }) =>
      setReviewFlags(ctx.session(), ctx.notify, imageIds, needsReview),
    'masks.get': ({ imageId, maskClass }) => getMask(ctx.session(), imageId, maskClass),
    'masks.saveEdit': (p) => saveMaskEdit(ctx.session(), ctx.notify, p),
  };
}
