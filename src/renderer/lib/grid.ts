/** Virtual grid maths: only the rows in view (plus overscan) exist in the DOM. */

export interface GridLayout {
  cols: number;
  tile: number;
  rowHeight: number;
  totalHeight: number;
}

export function layoutGrid(
  width: number,
  count: number,
  minTile: number,
  gap: number,
  caption: number,
): GridLayout {
  const cols = Math.max(1, Math.floor((width + gap) / (minTile + gap)));
  const tile = Math.floor((width - gap * (cols - 1)) / cols);
  const rowHeight = tile + caption + gap;
  return { cols, tile, rowHeight, totalHeight: Math.ceil(count / cols) * rowHeight };
}

export interface VisibleRange {
  start: number;
  end: number;
  /** translateY of the first rendered row. */
  offset: number;
}

export function visibleRange(
  g: GridLayout,
  count: number,
  scrollTop: number,
  viewHeight: number,
  overscanRows = 2,
): VisibleRange {
  const firstRow = Math.max(0, Math.floor(scrollTop / g.rowHeight) - overscanRows);
  const lastRow = Math.ceil((scrollTop + viewHeight) / g.rowHeight) + overscanRows;
  const start = Math.min(count, firstRow * g.cols);
  const end = Math.min(count, lastRow * g.cols);
  return { start, end, offset: firstRow * g.rowHeight };
}

/** Scroll position that brings item `index` into view (or the current one if already visible). */
export function scrollToIndex(g: GridLayout, index: number, scrollTop: number, viewHeight: number): number {
  const top = Math.floor(index / g.cols) * g.rowHeight;
  if (top < scrollTop) return top;
  if (top + g.rowHeight > scrollTop + viewHeight) return top + g.rowHeight - viewHeight;
  return scrollTop;
}
