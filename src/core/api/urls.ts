/**
 * Where the renderer fetches pixels. The API hands out URLs, never file paths; each shell
 * resolves them by image id (or by a path checked to lie inside the project) in `media.ts`.
 */
export interface UrlScheme {
  display(imageId: number): string;
  raw(imageId: number): string;
  /** `version` (the thumbnail's content hash) makes the URL name one picture, not one id. */
  thumbnail(imageId: number, version?: string): string;
  /** Many thumbnails in one response (`thumbnail-pack.ts`), for the grid. */
  thumbnails(imageIds: number[]): string;
  mask(imageId: number, maskClass?: string): string;
  predictionMask(modelId: number, imageId: number): string;
  /** A segmenter's per-pixel uncertainty for an image (gray PNG at the image's size). */
  predictionUncertainty(modelId: number, imageId: number): string;
  /** A file inside the project folder (exports), by project-relative path. */
  file(relPath: string): string;
}

function schemeWith(prefix: string): UrlScheme {
  const cls = (c?: string) => (c ? `?class=${encodeURIComponent(c)}` : '');
  return {
    display: (id) => `${prefix}display/${id}.png`,
    raw: (id) => `${prefix}raw/${id}.png`,
    thumbnail: (id, v) => `${prefix}thumbnail/${id}${v ? `?v=${encodeURIComponent(v)}` : ''}`,
    thumbnails: (ids) => `${prefix}thumbnails?ids=${ids.join(',')}`,
    mask: (id, c) => `${prefix}mask/${id}.png${cls(c)}`,
    predictionMask: (m, id) => `${prefix}prediction/${m}/${id}.png`,
    predictionUncertainty: (m, id) => `${prefix}uncertainty/${m}/${id}.png`,
    file: (rel) => `${prefix}file/${rel.split('/').map(encodeURIComponent).join('/')}`,
  };
}

/** `spcxr serve`: same-origin paths. */
export const httpUrls: UrlScheme = schemeWith('/media/');
/** Electron: the privileged `spcxr-image://` protocol registered by the main process. */
export const electronUrls: UrlScheme = schemeWith('spcxr-image://media/');
/** Prefix-free media path, as parsed back by `media.ts` ('display/12.png', ...). */
export const MEDIA_PREFIX = { http: '/media/', electron: 'spcxr-image://media/' } as const;
