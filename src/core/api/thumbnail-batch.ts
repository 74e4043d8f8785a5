/**
 * Answers `media/thumbnails?ids=1,2,3`: the thumbnails of many images in one packed response
 * (`thumbnail-pack.ts`), read in one query. The ids are strict: a malformed one is a 400 and an
 * unknown one (or one without a thumbnail) a 404, each naming the id, so a caller never gets a
 * silently shorter batch.
 */
import type { ProjectSession } from '../app/session.ts';
import type { MediaResponse } from './media.ts';
import {
  MAX_THUMBNAIL_BATCH,
  packThumbnails,
  THUMBNAIL_PACK_MIME,
  thumbnailVersion,
} from './thumbnail-pack.ts';

const text = (status: number, body: string): MediaResponse => ({ status, mime: 'text/plain', body });

export function thumbnailBatch(s: ProjectSession, idsParam: string | null): MediaResponse {
  if (!idsParam) return text(400, "thumbnail batch: give the image ids as '?ids=1,2,3'");
  const parts = idsParam.split(',');
  if (parts.length > MAX_THUMBNAIL_BATCH)
    return text(400, `thumbnail batch: ${parts.length} ids, at most ${MAX_THUMBNAIL_BATCH} per request`);
  const bad = parts.find((p) => !/^\d{1,12}$/.test(p));
  if (bad !== undefined) return text(400, `thumbnail batch: '${bad.slice(0, 40)}' is not an image id`);
  const ids = [...new Set(parts.map(Number))];
  const rows = s.store.getThumbnails(ids);
  if (rows.length < ids.length) {
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    const why = missing
      .slice(0, 10)
      .map((id) => (s.store.getImage(id) ? `image ${id} has no thumbnail` : `no image with id ${id}`));
    const more = missing.length > 10 ? ` (and ${missing.length - 10} more)` : '';
    return text(404, `thumbnail batch: ${why.join('; ')}${more}`);
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const body = packThumbnails(
    ids.map((id) => {
      const r = byId.get(id)!;
      return { id, v: thumbnailVersion(r.sha256), mime: r.mime, data: r.data };
    }),
  );
  return { status: 200, mime: THUMBNAIL_PACK_MIME, body };
}
