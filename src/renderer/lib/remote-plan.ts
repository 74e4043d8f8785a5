/**
 * Turns an edit command into the API calls that store it. Label changes are grouped so that
 * labelling 500 images in the grid is one `labels.set`, not 500 requests.
 */
import type { EditCommand, Rect } from './types.ts';

export type RemoteOp =
  | { op: 'mask'; imageId: number; maskClass: string; rect: Rect; before: Uint8Array; after: Uint8Array }
  | { op: 'set'; label: string; imageIds: number[]; durationMs?: number }
  | { op: 'clear'; imageIds: number[] }
  | { op: 'review'; needsReview: boolean; imageIds: number[] };

export function flatten(c: EditCommand): Exclude<EditCommand, { kind: 'batch' }>[] {
  return c.kind === 'batch' ? c.commands.flatMap(flatten) : [c];
}

/** Image ids grouped by target value; a later change to the same image wins. */
class Groups<V> {
  private map = new Map<V, number[]>();
  add(value: V, id: number): void {
    for (const ids of this.map.values()) {
      const i = ids.indexOf(id);
      if (i >= 0) ids.splice(i, 1);
    }
    this.map.set(value, [...(this.map.get(value) ?? []), id]);
  }
  drain(): [V, number[]][] {
    const out = [...this.map].filter(([, ids]) => ids.length > 0);
    this.map = new Map();
    return out;
  }
}

export function planRemote(c: EditCommand): RemoteOp[] {
  const ops: RemoteOp[] = [];
  // Masks keep their order; label and review changes between them are merged by target value.
  const labels = new Groups<string | null>();
  const review = new Groups<boolean>();
  const durations = new Map<number, number>();
  const flush = () => {
    for (const [label, imageIds] of labels.drain()) {
      const ms = imageIds.length === 1 ? durations.get(imageIds[0]) : undefined;
      if (label === null) ops.push({ op: 'clear', imageIds });
      else
        ops.push(
          ms === undefined ? { op: 'set', label, imageIds } : { op: 'set', label, imageIds, durationMs: ms },
        );
    }
    durations.clear();
    for (const [needsReview, imageIds] of review.drain()) ops.push({ op: 'review', needsReview, imageIds });
  };
  for (const x of flatten(c)) {
    if (x.kind === 'mask') {
      flush();
      const { rect, before, after } = x.diff;
      ops.push({ op: 'mask', imageId: x.imageId, maskClass: x.maskClass, rect, before, after });
    } else if (x.before !== x.after) {
      if (x.kind === 'label') {
        labels.add(x.after, x.imageId);
        if (x.durationMs === undefined) durations.delete(x.imageId);
        else durations.set(x.imageId, x.durationMs);
      } else review.add(x.after, x.imageId);
    }
  }
  flush();
  return ops;
}

export function describe(c: EditCommand): string {
  const xs = flatten(c);
  const masks = xs.filter((x) => x.kind === 'mask').length;
  const labels = xs.length - masks; // labels and review flags
  if (masks && !labels) return masks === 1 ? 'a mask edit' : `${masks} mask edits`;
  if (labels && !masks) return labels === 1 ? 'a label' : `${labels} labels`;
  return `${xs.length} changes`;
}
