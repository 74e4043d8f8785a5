import { ClassConfirmError } from '../../store/index.ts';
import { ApiError, type ApiHandlers } from '../contract.ts';
import type { ServiceContext } from '../service.ts';

type H = Pick<ApiHandlers, 'classes.list' | 'classes.impact' | 'classes.apply' | 'classes.undo'>;

/** Thin adapter over the store's class operations (`store/class-ops.ts`). */
export function classHandlers(ctx: ServiceContext): H {
  const after = () => {
    ctx.changed();
    ctx.emit('labels.changed', { imageIds: [] });
  };
  return {
    'classes.list': () => {
      const { store } = ctx.session();
      const c = store.counts();
      const labels = new Map(c.labels.map((l) => [`${l.task}\u0000${l.label}`, l.count]));
      return {
        classes: store.listClasses().map((k) => ({
          id: k.id,
          name: k.name,
          kind: k.kind,
          task: k.task,
          color: k.color,
          count: k.kind === 'mask' ? (c.masks[k.name] ?? 0) : (labels.get(`${k.task}\u0000${k.name}`) ?? 0),
        })),
        history: store.listClassEvents(30),
      };
    },
    'classes.impact': (op) => ctx.session().store.classImpact(op),
    'classes.apply': ({ op, confirm }) => {
      const s = ctx.session();
      try {
        const r = s.store.applyClassOp(op, s.settings().author, confirm);
        after();
        return { affected: r.affected, event: r.event };
      } catch (e) {
        if (e instanceof ClassConfirmError) throw new ApiError('conflict', e.message, { impact: e.impact });
        throw e;
      }
    },
    'classes.undo': () => {
      const s = ctx.session();
      const r = s.store.undoClassOp(s.settings().author);
      after();
      return r;
    },
  };
}
