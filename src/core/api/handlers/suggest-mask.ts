/** Thin adapter over the mask queue's Accept (`core/app/accept-mask.ts`). */
import { acceptCorrectedMask } from '../../app/accept-mask.ts';
import type { ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'suggest.acceptMask'>;

export function suggestMaskHandlers(ctx: ServiceContext): H {
  return { 'suggest.acceptMask': (p) => acceptCorrectedMask(ctx.session(), ctx.notify, p) };
}
