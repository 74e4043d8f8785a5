/**
 * Paged loading for the virtual grid: pages of the current query are fetched on demand as
 * they scroll into view; a new filter starts a new generation and drops late pages.
 */
import type { ImageQuery } from '../core/api/contract.ts';
import { api } from './api.ts';
import { RequestToken } from './lib/request-token.ts';
import { app, type Filters } from './state.svelte.ts';

const PAGE = 500;
const token = new RequestToken();
let generation = 0;
const loading = new Set<number>();

function query(f: Filters): ImageQuery {
  const q: ImageQuery = { sort: f.sort };
  if (f.sort === 'score') q.order = 'desc';
  if (f.label !== undefined) q.label = f.label;
  if (f.status) q.status = f.status;
  if (f.source) q.source = f.source;
  if (f.split) q.split = f.split;
  if (f.author) q.author = f.author;
  return q;
}

/** Restarts from the first page (filters changed or data changed). */
export async function reload(): Promise<void> {
  const t = token.next();
  generation = t;
  loading.clear();
  try {
    const page = await api.invoke('images.list', { ...query(app.filters), offset: 0, limit: PAGE });
    if (!token.isCurrent(t)) return;
    app.total = page.total;
    const order = new Array<number>(page.total);
    const items: typeof app.items = {};
    page.items.forEach((it, i) => {
      order[i] = it.id;
      items[it.id] = it;
    });
    app.order = order;
    app.items = items;
    const keep = new Set(page.items.map((i) => i.id));
    app.selected = new Set([...app.selected].filter((id) => keep.has(id)));
  } catch (err) {
    app.fail(err, 'list the images');
  }
}

/** Rows loaded beyond the visible range, so the next page is there before it scrolls in. */
const AHEAD = PAGE / 2;

/** Makes sure the items in [start, end) (and half a page either side) are loaded. */
export function ensureRange(start: number, end: number): void {
  const last = Math.min(app.total, end + AHEAD);
  for (let p = Math.floor(Math.max(0, start - AHEAD) / PAGE); p * PAGE < last; p++) {
    if (loading.has(p) || app.order[p * PAGE] !== undefined) continue;
    loading.add(p);
    const gen = generation;
    void api
      .invoke('images.list', { ...query(app.filters), offset: p * PAGE, limit: PAGE })
      .then((page) => {
        if (gen !== generation) return;
        page.items.forEach((it, i) => {
          app.order[p * PAGE + i] = it.id;
          app.items[it.id] = it;
        });
      })
      .catch((err) => app.fail(err, 'load more images'))
      .finally(() => loading.delete(p));
  }
}

/** Whether a label change can move images in or out of, or within, the current query. */
function dependsOnLabels(f: Filters): boolean {
  return f.label !== undefined || f.status !== undefined || f.author !== undefined || f.sort === 'score';
}

/**
 * One refresh per label change (the server's event; the local edit already updated the tile).
 * A query that labels can reorder restarts; otherwise only the pages holding the changed
 * images are fetched again, so the loaded rest of a 50k grid stays on screen.
 */
export function labelsChanged(imageIds: number[]): void {
  if (dependsOnLabels(app.filters)) {
    app.labelsVersion++;
    return;
  }
  const want = new Set(imageIds);
  const pages = new Set<number>();
  app.order.forEach((id, i) => {
    if (want.has(id)) pages.add(Math.floor(i / PAGE));
  });
  const gen = generation;
  for (const p of pages)
    void api
      .invoke('images.list', { ...query(app.filters), offset: p * PAGE, limit: PAGE })
      .then((page) => {
        if (gen !== generation) return;
        for (const it of page.items) if (want.has(it.id)) app.items[it.id] = it;
      })
      .catch((err) => app.fail(err, 'refresh the grid'));
}
