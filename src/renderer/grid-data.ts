/**
 * Paged loading for the virtual grid: pages of the current query are fetched on demand as
 * they scroll into view; a new filter starts a new generation and drops late pages.
 * A page whose predecessor is loaded is asked for with the keyset cursor (`after` = the last
 * id before it), which the server answers from the sort index at any depth; only a jump past
 * unloaded pages (a scrollbar drag) falls back to `offset`, which walks the index.
 * The first request asks for one screenful only, so the first thumbnails are requested as soon
 * as possible; the rest of the first page follows by keyset.
 */
import type { ImageQuery } from '../core/api/contract.ts';
import { api } from './api.ts';
import { RequestToken } from './lib/request-token.ts';
import { app, type Filters } from './state.svelte.ts';

const PAGE = 500;
/** Items of the first request: more than a 4K screen of 150-px tiles shows. */
const FIRST = 120;
const token = new RequestToken();
let generation = 0;
const loading = new Set<number>();
const loaded = new Set<number>();

type ListPage = Awaited<ReturnType<typeof listFirst>>;
const listFirst = (q: ImageQuery) => api.invoke('images.list', { ...q, offset: 0, limit: FIRST });

/**
 * The first screenful, asked for while the bundle starts (in parallel with the app's own
 * start-up calls): the first reload takes it when its query is still the current one and it is
 * fresh, else asks again. Its thumbnails are not prefetched here: 50 requests at once delayed
 * `project.info`, which the grid waits for, more than they saved (measured, 50k project).
 */
const EARLY_MS = 10_000;
let early: { q: string; at: number; page: Promise<ListPage> } | null = null;
if (typeof window !== 'undefined') {
  const q = query(app.filters);
  const page = listFirst(q);
  page.catch(() => {});
  early = { q: JSON.stringify(q), at: Date.now(), page };
}

function firstPage(q: ImageQuery): Promise<ListPage> {
  const e = early;
  early = null;
  if (e && e.q === JSON.stringify(q) && Date.now() - e.at < EARLY_MS) return e.page.catch(() => listFirst(q));
  return listFirst(q);
}

/** Where the slice starting at `from` begins: after the item before it when that is known. */
function cursor(from: number): { after: number } | { offset: number } {
  const prev = from > 0 ? app.order[from - 1] : undefined;
  return prev === undefined ? { offset: from } : { after: prev };
}

/** Loads items [from, from + count) of the current generation into the order. */
async function loadSlice(from: number, count: number, gen: number): Promise<boolean> {
  const page = await api.invoke('images.list', { ...query(app.filters), ...cursor(from), limit: count });
  if (gen !== generation) return false;
  page.items.forEach((it, i) => {
    app.order[from + i] = it.id;
    app.items[it.id] = it;
  });
  return true;
}

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
  loaded.clear();
  try {
    const page = await firstPage(query(app.filters));
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
    if (page.items.length < FIRST || page.total <= FIRST) loaded.add(0);
    else {
      // The rest of the first page, by keyset after the first screenful; sent after the grid has
      // rendered and asked for the first screen's thumbnails (one task later), so the server,
      // which answers in arrival order, sends those pictures first.
      loading.add(0);
      setTimeout(() => {
        void loadSlice(FIRST, PAGE - FIRST, t)
          .then((ok) => ok && loaded.add(0))
          .catch((err) => app.fail(err, 'load more images'))
          .finally(() => t === generation && loading.delete(0));
      }, 0);
    }
  } catch (err) {
    app.fail(err, 'list the images');
  }
}

/** Items loaded beyond the visible range when still or slow: a page either side. */
export const AHEAD = PAGE;

/**
 * Makes sure the items in [start, end), `before` items above and `after` below are loaded.
 * The grid passes more in the scroll direction the faster it scrolls, so a fast scroll finds
 * the ids of the rows it heads into (and can fetch their thumbnails) before it gets there.
 */
export function ensureRange(start: number, end: number, before = AHEAD, after = AHEAD): void {
  const last = Math.min(app.total, end + after);
  for (let p = Math.floor(Math.max(0, start - before) / PAGE); p * PAGE < last; p++) {
    if (loading.has(p) || loaded.has(p)) continue;
    loading.add(p);
    const gen = generation;
    void loadSlice(p * PAGE, PAGE, gen)
      .then((ok) => ok && loaded.add(p))
      .catch((err) => app.fail(err, 'load more images'))
      .finally(() => gen === generation && loading.delete(p));
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
      .invoke('images.list', { ...query(app.filters), ...cursor(p * PAGE), limit: PAGE })
      .then((page) => {
        if (gen !== generation) return;
        for (const it of page.items) if (want.has(it.id)) app.items[it.id] = it;
      })
      .catch((err) => app.fail(err, 'refresh the grid'));
}
