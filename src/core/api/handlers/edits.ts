/** Thin adapter: labels, masks and the one undo history that covers both (`core/app`). */
import { clearLabels, historyStep, setLabels, setReviewFlags } from '../../app/labels.ts';
import { getMask, saveMaskEdit } from '../../app/masks.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<
  ApiHandlers,
  | 'labels.set'
  | 'labels.clear'
  | 'labels.setReview'
  | 'masks.get'
  | 'masks.saveEdit'
  | 'history.undo'
  | 'history.redo'
  | 'history.state'
>;

export function editHandlers(ctx: ServiceContext): H {
  return {
    'labels.set': (p) => setLabels(ctx.session(), ctx.notify, p),
    'labels.clear': ({ imageIds }) => clearLabels(ctx.session(), ctx.notify, imageIds),
    'labels.setReview': ({ imageIds, needsReview }) =>
      setReviewFlags(ctx.session(), ctx.notify, imageIds, needsReview),
    'masks.get': ({ imageId, maskClass }) => getMask(ctx.session(), imageId, maskClass),
    'masks.saveEdit': (p) => saveMaskEdit(ctx.session(), ctx.notify, p),
    'history.undo': () => historyStep(ctx.session(), ctx.notify, 'undo'),
    'history.redo': () => historyStep(ctx.session(), ctx.notify, 'redo'),
    'history.state': () => ctx.session().history.state(),
  };
}
