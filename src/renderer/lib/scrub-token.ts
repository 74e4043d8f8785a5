/**
 * `spcxr serve` trades the `?token=` of its printed URL for a cookie with a redirect, so the
 * token never reaches a loaded page. Should a page ever load with it (a proxy or a cached
 * redirect), it is dropped from the address bar and this history entry at once, before
 * anything else runs, so it cannot be read back from history or shared by copying the URL.
 */
export function scrubToken(
  loc: { href: string },
  hist: { state: unknown; replaceState(state: unknown, unused: string, url: string): void },
  param = 'token',
): boolean {
  const u = new URL(loc.href);
  if (!u.searchParams.has(param)) return false;
  u.searchParams.delete(param);
  hist.replaceState(hist.state, '', `${u.pathname}${u.search}${u.hash}`);
  return true;
}
