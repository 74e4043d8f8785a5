/**
 * Turns an edit command into the API calls that store it. Label changes are grouped so that
 * labelling 500 images in the grid is one `labels.set`, not 500 requests.
 */
import type { EditCommand, Rect } from './types.ts';

export type RemoteOp =
  | { op: 'mask'; imageId: number; maskClass: string; rect: Rect; before: Uint8Array; after: Uint8Array }
  | { op: 'set'; label: string; imageIds: number[] }
  | { op: 'clear'; imageIds: number[] };

export function flatten(c: EditCommand): Exclude<EditCommand, { kind: 'batch' }>[] {
  return c.kind === 'batch' ? c.commands.flatMap(flatten) : [c];
}

export function planRemote(c: EditCommand): RemoteOp[] {
  const ops: RemoteOp[] = [];
  // Order matters across images only for masks of the same image; keep masks in sequence and
  // merge consecutive label changes by target label.
  let labels = new Map<string | null, number[]>();
  const flushLabels = () => {
    for (const [label, imageIds] of labels)
      ops.push(label === null ? { op: 'clear', imageIds } : { op: 'set', label, imageIds });
    labels = new Map();
  };
  for (const x of flatten(c)) {
    if (x.kind === 'mask') {
      flushLabels();
      const { rect, before, after } = x.diff;
      ops.push({ op: 'mask', imageId: x.imageId, maskClass: x.maskClass, rect, before, after });
    } else {
      if (x.before === x.after) continue;
      // A later change to the same image wins; drop it from earlier groups.
      for (const ids of labels.values()) {
        const i = ids.indexOf(x.imageId);
        if (i >= 0) ids.splice(i, 1);
      }
      const ids = labels.get(x.after) ?? [];
      ids.push(x.imageId);
      labels.set(x.after, ids);
    }
  }
  flushLabels();
  return ops.filter((o) => o.op === 'mask' || o.imageIds.length > 0);
}

export function describe(c: EditCommand): string {
  const xs = flatten(c);
  const masks = xs.filter((x) => x.kind === 'mask').length;
  const labels = xs.length - masks;
  if (masks && !labels) return masks === 1 ? 'a mask edit' : `${masks} mask edits`;
  if (labels && !masks) return labels === 1 ? 'a label' : `${labels} labels`;
  return `${xs.length} changes`;
}
