import { acceptPredictedMask } from '../../app/mask-accept.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'suggest.acceptMask'>;

/** Thin adapter over the mask queue's Accept (`core/app/mask-accept.ts`). */
export function suggestMaskHandlers(ctx: ServiceContext): H {
  return {
    'suggest.acceptMask': (p) => acceptPredictedMask(ctx.session(), ctx.notify, p),
  };
}
