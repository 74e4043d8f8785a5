/** Labels, masks and the one undo history that covers both. */
import { encodeGrayPng } from '../../imaging/index.ts';
import type { AnnotationSource } from '../../store/types.ts';
import { ApiError, type ApiHandlers } from '../contract.ts';
import type { StepInfo } from '../history.ts';
import { labelsAdded } from '../retrain.ts';
import type { ServiceContext } from '../service.ts';
import type { MaskMap, ProjectSession } from '../session.ts';

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

type Prev = { label: string; source: AnnotationSource } | null;

/**
 * Applies label changes (null = clear) and returns the ids that actually changed. One
 * transaction for the whole batch: a bulk label (or its undo) lands entirely or not at all.
 */
export function applyLabels(
  s: ProjectSession,
  changes: Array<{ id: number; to: Prev }>,
  durationMs?: number,
): number[] {
  const { author } = s.settings();
  return s.store.transaction(() => {
    const changed: number[] = [];
    for (const { id, to } of changes) {
      const cur = s.store.getLabel(id);
      if ((cur?.label ?? null) === (to?.label ?? null)) continue;
      if (to) s.store.setLabel({ imageId: id, label: to.label, author, source: to.source, durationMs });
      else s.store.clearLabel(id, author, undefined, 'human');
      changed.push(id);
    }
    return changed;
  });
}

/** Records one undoable label step over many images (bulk labelling is one step). */
export function labelCommand(
  ctx: ServiceContext,
  s: ProjectSession,
  ids: number[],
  to: Prev,
  what: string,
  durationMs?: number,
) {
  for (const id of ids) s.image(id);
  const before = new Map<number, Prev>(
    ids.map((id) => {
      const l = s.store.getLabel(id);
      return [id, l ? { label: l.label, source: l.source } : null];
    }),
  );
  // Annotation time belongs to one image's first labelling, never to its undo or redo.
  const changed = applyLabels(
    s,
    ids.map((id) => ({ id, to })),
    ids.length === 1 ? durationMs : undefined,
  );
  if (changed.length) {
    const step = (dir: 'undo' | 'redo'): StepInfo => {
      const done = applyLabels(
        s,
        changed.map((id) => ({ id, to: dir === 'undo' ? (before.get(id) ?? null) : to })),
      );
      ctx.emit('labels.changed', { imageIds: done });
      return { kind: 'label', imageIds: changed, description: what };
    };
    s.history.push({ description: what, undo: () => step('undo'), redo: () => step('redo') });
    ctx.emit('labels.changed', { imageIds: changed });
    ctx.emit('history.changed', s.history.state());
    ctx.changed();
    if (to) labelsAdded(ctx, s, changed.length);
  }
  return { changed: changed.length, history: s.history.state() };
}

function b64(data: string, expected: number, what: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(data, 'base64'));
  if (bytes.length !== expected)
    throw new ApiError('bad_request', `${what}: ${bytes.length} bytes for a rectangle of ${expected} pixels`);
  return bytes;
}

function region(map: MaskMap, r: { x: number; y: number; width: number; height: number }) {
  const out = new Uint8Array(r.width * r.height);
  for (let y = 0; y < r.height; y++)
    out.set(
      map.data.subarray((r.y + y) * map.width + r.x, (r.y + y) * map.width + r.x + r.width),
      y * r.width,
    );
  return out;
}

function paste(map: MaskMap, r: { x: number; y: number; width: number; height: number }, src: Uint8Array) {
  for (let y = 0; y < r.height; y++)
    map.data.set(src.subarray(y * r.width, (y + 1) * r.width), (r.y + y) * map.width + r.x);
}

/** Masks are binary per class (the store reads any nonzero as inside): compare and store as 0/1. */
const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((v, i) => (v !== 0) === (b[i] !== 0));
const binary = (a: Uint8Array) => a.map((v) => (v ? 1 : 0));

export function editHandlers(ctx: ServiceContext): H {
  const step = (dir: 'undo' | 'redo') => {
    const s = ctx.session();
    return s.serial(async () => {
      const applied = dir === 'undo' ? await s.history.undo() : await s.history.redo();
      const history = s.history.state();
      ctx.emit('history.changed', history);
      if (applied?.kind === 'label') ctx.changed();
      return { applied, history };
    });
  };
  return {
    'labels.set': ({ imageIds, label, source, durationMs }) => {
      const s = ctx.session();
      if (!s.store.listClasses('image').some((c) => c.name === label))
        throw new ApiError('bad_request', `unknown class '${label}'; add it to the project's classes first`);
      const n = imageIds.length;
      return labelCommand(
        ctx,
        s,
        imageIds,
        { label, source },
        `label ${n === 1 ? 'image' : `${n} images`} as ${label}`,
        durationMs,
      );
    },
    'labels.clear': ({ imageIds }) => {
      const n = imageIds.length;
      return labelCommand(
        ctx,
        ctx.session(),
        imageIds,
        null,
        `clear label of ${n === 1 ? 'image' : `${n} images`}`,
      );
    },
    'labels.setReview': ({ imageIds, needsReview }) => {
      const s = ctx.session();
      const changed = imageIds.filter((id) => s.setNeedsReview(id, needsReview));
      if (changed.length) {
        ctx.emit('labels.changed', { imageIds: changed });
        ctx.changed();
      }
      return { changed: changed.length, history: s.history.state() };
    },

    'masks.get': async ({ imageId, maskClass }) => {
      const s = ctx.session();
      const map = await s.loadMask(imageId, maskClass);
      const stored = s.store.getMask(imageId, maskClass) !== null;
      // Re-encoded from the normalised map (0/1) so that the client's `before` bytes match ours.
      const mask = stored
        ? {
            width: map.width,
            height: map.height,
            encoding: 'png' as const,
            data: (await encodeGrayPng(map.data, map.width, map.height)).toString('base64'),
          }
        : null;
      return { mask, width: map.width, height: map.height, version: map.version };
    },

    'masks.saveEdit': ({ imageId, maskClass, rect, before, after, tool, baseVersion }) => {
      const s = ctx.session();
      return s.serial(async () => {
        const map = await s.loadMask(imageId, maskClass);
        if (rect.x + rect.width > map.width || rect.y + rect.height > map.height)
          throw new ApiError(
            'bad_request',
            `rectangle ${JSON.stringify(rect)} is outside the ${map.width}×${map.height} image`,
          );
        const n = rect.width * rect.height;
        const was = binary(b64(before, n, 'before'));
        const now = binary(b64(after, n, 'after'));
        if ((baseVersion !== undefined && baseVersion !== map.version) || !same(region(map, rect), was))
          throw new ApiError('conflict', `mask of image ${imageId} changed since it was loaded; reload it`);
        paste(map, rect, now);
        const version = await s.commitMask(imageId, maskClass, map);
        const description = `${tool} on image ${imageId}`;
        const apply = async (bytes: Uint8Array): Promise<StepInfo> => {
          const m = await s.loadMask(imageId, maskClass);
          paste(m, rect, bytes);
          const v = await s.commitMask(imageId, maskClass, m);
          ctx.emit('mask.changed', { imageId, maskClass, version: v, rect });
          return { kind: 'mask', imageIds: [imageId], maskClass, description, rect, version: v };
        };
        s.history.push({ description, undo: () => apply(was), redo: () => apply(now) });
        ctx.emit('mask.changed', { imageId, maskClass, version, rect });
        ctx.emit('history.changed', s.history.state());
        return { version, history: s.history.state() };
      });
    },

    'history.undo': () => step('undo'),
    'history.redo': () => step('redo'),
    'history.state': () => ctx.session().history.state(),
  };
}
