/** Grid selection: click selects one, ctrl/cmd toggles, shift extends a range from the anchor. */

export interface Selection {
  ids: Set<string>;
  anchor: number | null;
}

export function emptySelection(): Selection {
  return { ids: new Set(), anchor: null };
}

export function clickSelect(
  sel: Selection,
  order: readonly string[],
  index: number,
  mods: { shift: boolean; toggle: boolean },
): Selection {
  const id = order[index];
  if (id === undefined) return sel;
  if (mods.shift && sel.anchor !== null) {
    const [a, b] = sel.anchor < index ? [sel.anchor, index] : [index, sel.anchor];
    const ids = mods.toggle ? new Set(sel.ids) : new Set<string>();
    for (let i = a; i <= b; i++) ids.add(order[i]);
    return { ids, anchor: sel.anchor };
  }
  if (mods.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: index };
  }
  return { ids: new Set([id]), anchor: index };
}

export function selectAll(order: readonly string[]): Selection {
  return { ids: new Set(order), anchor: order.length ? 0 : null };
}
