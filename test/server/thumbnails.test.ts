/**
 * Grid thumbnails over a real `spcxr serve`: one by versioned URL and many in one packed batch.
 * Both sit behind the same token, Host and Origin checks as the API, are never cached by the
 * browser, and name the id they refuse.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THUMBNAIL_PACK_MIME, unpackThumbnails } from '../../src/core/api/thumbnail-pack.ts';
import { cookieName } from '../../src/server/auth.ts';
import { cli, repoRoot } from '../api/fixture.ts';
import { type Served, spawnServe } from './spawn-serve.ts';

let served: Served;
let root: string;
let items: Array<{ id: number; thumbnailUrl: string }>;

const auth = () => ({ authorization: `Bearer ${served.token}` });
const get = (p: string, headers: Record<string, string> = auth()) => fetch(served.base + p, { headers });

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-thumbs-'));
  const dir = path.join(root, 'project');
  cli(['init', dir, '--classes', 'normal,pneumonia']);
  const images = path.join(repoRoot, 'sample/images');
  const files = readdirSync(images)
    .filter((f) => f.endsWith('.png'))
    .slice(0, 3);
  cli(['import', dir, ...files.map((f) => path.join(images, f))]);
  served = await spawnServe([dir, '--port', '0']);
  const r = await fetch(`${served.base}/api/invoke/images.list`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/json' },
    body: '{}',
  });
  items = (await r.json()).result.items;
}, 120_000);

afterAll(async () => {
  await served?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('thumbnails over spcxr serve', () => {
  it('lists versioned thumbnail URLs (the version is the image content hash)', () => {
    expect(items).toHaveLength(3);
    for (const it of items)
      expect(it.thumbnailUrl).toMatch(new RegExp(`^/media/thumbnail/${it.id}\\?v=[0-9a-f]{12}$`));
  });

  it('refuses both routes without the token, from another origin, or for another Host', async () => {
    const ids = items.map((i) => i.id).join(',');
    for (const p of [items[0].thumbnailUrl, `/media/thumbnails?ids=${ids}`]) {
      expect((await get(p, {})).status).toBe(401);
      expect((await get(p, { cookie: `${cookieName(served.token)}=wrong` })).status).toBe(401);
      expect((await get(p, { ...auth(), origin: 'http://evil.example' })).status).toBe(403);
    }
  });

  it('serves a batch with the session cookie, never cached, byte-identical to the single URLs', async () => {
    const ids = items.map((i) => i.id);
    const r = await get(`/media/thumbnails?ids=${ids.join(',')}`, {
      cookie: `${cookieName(served.token)}=${served.token}`,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe(THUMBNAIL_PACK_MIME);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const got = unpackThumbnails(await r.arrayBuffer());
    expect(got.map((t) => t.id)).toEqual(ids);
    for (const [k, t] of got.entries()) {
      expect(items[k].thumbnailUrl).toBe(`/media/thumbnail/${t.id}?v=${t.v}`);
      const one = await get(items[k].thumbnailUrl);
      expect(one.status).toBe(200);
      expect(one.headers.get('cache-control')).toBe('no-store');
      expect(one.headers.get('content-type')).toBe(t.mime);
      expect(Buffer.from(await one.arrayBuffer()).equals(Buffer.from(t.data))).toBe(true);
      expect(t.mime).toBe('image/webp');
    }
  });

  it('answers an unknown id or a stale version with a 404 naming the id', async () => {
    const unknown = await get('/media/thumbnail/987654?v=abc');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('no image with id 987654');
    const stale = await get(`/media/thumbnail/${items[0].id}?v=000000000000`);
    expect(stale.status).toBe(404);
    expect(await stale.text()).toContain(`image ${items[0].id}`);
  });

  it('refuses a batch with an unknown or malformed id, naming it, instead of a shorter batch', async () => {
    const unknown = await get(`/media/thumbnails?ids=${items[0].id},987654`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('thumbnail batch: no image with id 987654');
    const bad = await get(`/media/thumbnails?ids=${items[0].id},12x`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("'12x' is not an image id");
    const none = await get('/media/thumbnails');
    expect(none.status).toBe(400);
    const many = await get(
      `/media/thumbnails?ids=${Array.from({ length: 501 }, () => items[0].id).join(',')}`,
    );
    expect(many.status).toBe(400);
    expect(await many.text()).toContain('at most 500');
  });
});
