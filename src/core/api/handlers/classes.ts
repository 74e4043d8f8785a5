import { ClassConfirmError } from '../../store/index.ts';
import { DEFAULT_TASK } from '../../store/types.ts';
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
      const all = store.listClasses();
      // The counters (kept by triggers) answer masks and the default task in O(classes): the
      // grid asks on every open, and grouping over a 50k project's labels took 0.6 s. Other
      // label tasks have no counters and are grouped over the tables.
      const g = store.gridCounts();
      const other = all.some((k) => k.kind === 'image' && k.task !== DEFAULT_TASK) ? store.counts() : null;
      const labels = new Map(other?.labels.map((l) => [`${l.task}\u0000${l.label}`, l.count]));
      const count = (k: (typeof all)[number]) => {
        if (k.kind === 'mask') return g.masksByClassId[k.id] ?? 0;
        if (k.task === DEFAULT_TASK) return g.byClassId[k.id] ?? 0;
        return labels.get(`${k.task}\u0000${k.name}`) ?? 0;
      };
      return {
        classes: all.map((k) => ({
          id: k.id,
          name: k.name,
          kind: k.kind,
          task: k.task,
          color: k.color,
          count: count(k),
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
