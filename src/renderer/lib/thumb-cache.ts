/**
 * Decoded grid thumbnails, fetched many per request (`media/thumbnails?ids=`), kept in a
 * bounded LRU so a tile scrolled in takes an element that is already decoded and paints in
 * the same frame. The DOM side (fetch, decode, "is it on screen") is injected, so the
 * queueing and eviction here are plain logic, tested in Node.
 * Wanted URLs are queued most urgent first and a new `want` replaces what was still queued
 * (a fast scroll never fetches rows it has already left); what is in flight completes.
 */
import { unpackThumbnails } from '../../core/api/thumbnail-pack.ts';

export interface ThumbLoader<T> {
  /** The body of a batch URL; throws (with the server's reason) when it is not 200. */
  fetchBatch(url: string): Promise<ArrayBuffer>;
  /** One picture as a decoded, displayable element. */
  decode(data: Uint8Array, mime: string): Promise<T>;
  /** Whether the element is on screen now (never evicted while it is). */
  inUse(el: T): boolean;
  release(el: T): void;
}

export interface ThumbCacheOptions {
  capacity: number;
  batch: number;
  concurrency: number;
}

interface Key {
  url: string;
  prefix: string;
  id: number;
  v: string | null;
}

const URL_RE = /^(.*)thumbnail\/(\d+)(?:\?v=([^&]+))?$/;

/** A thumbnail URL's parts (`…/thumbnail/<id>?v=<version>`), or null for anything else. */
export function parseThumbUrl(url: string): Key | null {
  const m = URL_RE.exec(url);
  return m ? { url, prefix: m[1], id: Number(m[2]), v: m[3] ? decodeURIComponent(m[3]) : null } : null;
}

export class ThumbCache<T> {
  private readonly ready = new Map<string, T>();
  private readonly failed = new Set<string>();
  private readonly inFlight = new Set<string>();
  private queue: Key[] = [];
  private running = 0;
  private readonly waiters = new Map<string, Set<(el: T | null) => void>>();
  /** Batches sent, for tests and the bench. */
  requests = 0;

  constructor(
    private readonly loader: ThumbLoader<T>,
    private readonly opts: ThumbCacheOptions,
  ) {}

  /** The decoded element for a URL, if ready (and marks it recently used). */
  get(url: string): T | undefined {
    const el = this.ready.get(url);
    if (el !== undefined) {
      this.ready.delete(url);
      this.ready.set(url, el);
    }
    return el;
  }

  /** Whether the batch could not give this URL (the caller falls back to the URL itself). */
  hasFailed(url: string): boolean {
    return this.failed.has(url);
  }

  get size(): number {
    return this.ready.size;
  }

  /** Calls back once with the element, or null when the batch could not deliver it. */
  onReady(url: string, cb: (el: T | null) => void): () => void {
    let set = this.waiters.get(url);
    if (!set) {
      set = new Set();
      this.waiters.set(url, set);
    }
    set.add(cb);
    return () => {
      set.delete(cb);
      if (!set.size && this.waiters.get(url) === set) this.waiters.delete(url);
    };
  }

  /** Replaces the queue with these URLs (most urgent first) that are neither ready nor on the way. */
  want(urls: Iterable<string>): void {
    const q: Key[] = [];
    const seen = new Set<string>();
    for (const url of urls) {
      if (seen.has(url) || this.ready.has(url) || this.inFlight.has(url) || this.failed.has(url)) continue;
      seen.add(url);
      const k = parseThumbUrl(url);
      if (k) q.push(k);
      else this.fail(url);
    }
    this.queue = q;
    this.pump();
  }

  private pump(): void {
    while (this.running < this.opts.concurrency && this.queue.length) {
      const prefix = this.queue[0].prefix;
      const batch: Key[] = [];
      const rest: Key[] = [];
      for (const k of this.queue)
        (batch.length < this.opts.batch && k.prefix === prefix ? batch : rest).push(k);
      this.queue = rest;
      this.running++;
      this.requests++;
      for (const k of batch) this.inFlight.add(k.url);
      void this.load(prefix, batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async load(prefix: string, keys: Key[]): Promise<void> {
    let items: ReturnType<typeof unpackThumbnails>;
    try {
      items = unpackThumbnails(
        await this.loader.fetchBatch(`${prefix}thumbnails?ids=${keys.map((k) => k.id).join(',')}`),
      );
    } catch {
      for (const k of keys) this.fail(k.url);
      return;
    }
    const byId = new Map(items.map((t) => [t.id, t]));
    await Promise.all(
      keys.map(async (k) => {
        const t = byId.get(k.id);
        // A different version means the id now holds another picture than the URL names.
        if (!t || (k.v !== null && t.v !== k.v)) return this.fail(k.url);
        try {
          const el = await this.loader.decode(t.data, t.mime);
          this.inFlight.delete(k.url);
          this.ready.set(k.url, el);
          this.evict();
          this.notify(k.url, el);
        } catch {
          this.fail(k.url);
        }
      }),
    );
  }

  private fail(url: string): void {
    this.inFlight.delete(url);
    this.failed.add(url);
    this.notify(url, null);
  }

  private notify(url: string, el: T | null): void {
    const set = this.waiters.get(url);
    if (!set) return;
    this.waiters.delete(url);
    for (const cb of set) cb(el);
  }

  /** Oldest first, skipping what is on screen; stops once under capacity. */
  private evict(): void {
    if (this.ready.size <= this.opts.capacity) return;
    for (const [url, el] of this.ready) {
      if (this.ready.size <= this.opts.capacity) break;
      if (this.loader.inUse(el)) continue;
      this.ready.delete(url);
      this.loader.release(el);
    }
  }
}
