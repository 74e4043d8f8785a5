/**
 * Next/previous must feel instant: the neighbours of the open image are fetched and decoded
 * ahead (details, full display image, mask), a few at a time, and kept in a small LRU.
 */
import type { ImageDetail, Result } from '../../core/api/contract.ts';
import { api } from '../api.ts';
import { loadImage } from './decode.ts';

export interface Loaded {
  detail: ImageDetail;
  img: HTMLImageElement;
  mask: Result<'masks.get'>;
}

const LIMIT = 5;
const cache = new Map<string, Promise<Loaded>>();

/** Cached per image and mask class; edits make an entry stale, so the editor forgets what it leaves. */
export function load(id: number, maskClass: string): Promise<Loaded> {
  const key = `${id}/${maskClass}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const p = Promise.all([
    api
      .invoke('images.get', { id })
      .then(async (detail) => ({ detail, img: await loadImage(detail.urls.display) })),
    api.invoke('masks.get', { imageId: id, maskClass }),
  ]).then(([d, mask]) => ({ ...d, mask }));
  cache.set(key, p);
  // A failed load must not stay cached: the next attempt should retry.
  p.catch(() => cache.delete(key));
  while (cache.size > LIMIT) cache.delete(cache.keys().next().value as string);
  return p;
}

export function prefetch(ids: (number | undefined)[], maskClass: string): void {
  for (const id of ids)
    if (id !== undefined && !cache.has(`${id}/${maskClass}`)) void load(id, maskClass).catch(() => {});
}

/** Drops every cached entry of an image (it was edited, or its label changed). */
export function forget(id: number): void {
  for (const key of [...cache.keys()]) if (key.startsWith(`${id}/`)) cache.delete(key);
}
