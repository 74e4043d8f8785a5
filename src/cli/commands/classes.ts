import { userInfo } from 'node:os';
import { ClassConfirmError, type ClassOp, openProject, type ProjectStore } from '../../core/store/index.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

const ACTIONS = ['list', 'add', 'rename', 'merge', 'remove', 'undo', 'history'] as const;

function byName(store: ProjectStore, name: string, mask: boolean) {
  const kind = mask ? 'mask' : 'image';
  const c = store.listClasses(kind).find((x) => x.name === name);
  if (!c) {
    const known = store.listClasses(kind).map((x) => x.name);
    throw new UsageError(`no ${kind} class '${name}' (known: ${known.join(', ') || 'none'})`);
  }
  return c;
}

function toOp(store: ProjectStore, action: string, args: string[], mask: boolean): ClassOp {
  const need = (n: number) => {
    if (args.length !== n) throw new UsageError(`'${action}' expects ${n} name${n > 1 ? 's' : ''}`);
  };
  if (action === 'add') {
    need(1);
    return { op: 'add', name: args[0], kind: mask ? 'mask' : 'image' };
  }
  if (action === 'rename') {
    need(2);
    return { op: 'rename', id: byName(store, args[0], mask).id, name: args[1] };
  }
  if (action === 'merge') {
    need(2);
    return { op: 'merge', id: byName(store, args[0], mask).id, into: byName(store, args[1], mask).id };
  }
  need(1);
  return { op: 'remove', id: byName(store, args[0], mask).id };
}

export const command: Command = {
  name: 'classes',
  usage:
    'spcxr classes DIR list|history|undo | add NAME | rename OLD NEW | merge FROM INTO | remove NAME [--mask] [--yes] [--author NAME] [--json]',
  summary: 'List, add, rename, merge or remove label classes (with history and undo).',
  async run({ positionals, flags, io }) {
    const [dir, action = 'list', ...args] = positionals;
    if (!dir) throw new UsageError('expected a project folder');
    if (!(ACTIONS as readonly string[]).includes(action))
      throw new UsageError(`unknown action '${action}' (one of ${ACTIONS.join(', ')})`);
    if (flags.author !== undefined && typeof flags.author !== 'string')
      throw new UsageError('--author needs a name');
    const author = (flags.author as string | undefined) ?? userInfo().username;
    const mask = flags.mask === true;
    const store = openProject(dir);
    try {
      if (action === 'list') {
        const counts = store.counts();
        const classes = store.listClasses().map((c) => ({
          id: c.id,
          name: c.name,
          kind: c.kind,
          task: c.task,
          count:
            c.kind === 'mask'
              ? (counts.masks[c.name] ?? 0)
              : (counts.labels.find((l) => l.task === c.task && l.label === c.name)?.count ?? 0),
        }));
        for (const c of classes) io.out(`${c.kind.padEnd(5)}  ${c.name.padEnd(20)} ${c.count}`);
        return { json: { ok: true, classes }, exitCode: EXIT_OK };
      }
      if (action === 'history') {
        const history = store.listClassEvents(100);
        for (const e of history) io.out(describe(e));
        return { json: { ok: true, history }, exitCode: EXIT_OK };
      }
      if (action === 'undo') {
        const r = store.undoClassOp(author);
        io.out(`undid: ${describe(r.undone)}; ${r.restored} restored, ${r.kept} changed since and kept`);
        return { json: { ok: true, ...r }, exitCode: EXIT_OK };
      }
      const op = toOp(store, action, args, mask);
      const impact = store.classImpact(op);
      try {
        const r = store.applyClassOp(op, author, flags.yes === true ? impact : undefined);
        io.out(describe(r.event));
        return { json: { ok: true, affected: r.affected, event: r.event }, exitCode: EXIT_OK };
      } catch (e) {
        if (!(e instanceof ClassConfirmError)) throw e;
        io.err(`${e.message}: rerun with --yes`);
        return { json: { ok: false, needsConfirmation: true, impact: e.impact }, exitCode: EXIT_PARTIAL };
      }
    } finally {
      store.close();
    }
  },
};

function describe(e: ReturnType<ProjectStore['listClassEvents']>[number]): string {
  const what =
    e.op === 'rename'
      ? `renamed '${e.from}' to '${e.to}'`
      : e.op === 'merge'
        ? `merged '${e.className}' into '${e.target}' (${e.labels} labels moved)`
        : e.op === 'remove'
          ? `removed ${e.kind} class '${e.className}' (${e.labels} labels, ${e.masks} masks cleared)`
          : e.op === 'add'
            ? `added ${e.kind} class '${e.className}'`
            : `undo on '${e.className}'`;
  return `${e.at}  ${e.author}: ${what}${e.undone ? ' [undone]' : ''}`;
}
