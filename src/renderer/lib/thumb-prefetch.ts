/**
 * Thumbnails of the rows just beyond the viewport, fetched and decoded before they scroll in,
 * so a fast scroll through a large grid shows pictures instead of empty tiles. The decoded
 * images are kept (bounded) so that the browser's image list still holds them when the tile's
 * own <img> asks for the same URL.
 */
const LIMIT = 400;
const held = new Map<string, HTMLImageElement>();

export function prefetchThumbnails(urls: Iterable<string>): void {
  for (const url of urls) {
    if (held.has(url)) continue;
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    held.set(url, img);
    if (held.size > LIMIT) held.delete(held.keys().next().value as string);
  }
}
