/**
 * The page a browser gets when it opens the app without a valid token: a tab from before a
 * server restart (each run has a new token), or a bookmark without one. It showed raw JSON.
 */
import type { IncomingMessage } from 'node:http';

/** A browser navigating to a page (not a script calling the API or fetching media). */
export function wantsPage(req: IncomingMessage, path: string): boolean {
  if (req.method !== 'GET' || path.startsWith('/api/') || path.startsWith('/media/')) return false;
  return /\btext\/html\b/.test(req.headers.accept ?? '');
}

export function signedOutPage(port: number): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPCXR Studio: open the new address</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#16181d;color:#e8eaed;max-width:40em;margin:10vh auto;padding:0 1em}code{background:#2a2e36;padding:1px 4px;border-radius:3px}</style>
</head><body>
<h1>Open the address that <code>spcxr serve</code> printed</h1>
<p>This tab has no valid key for the SPCXR server on port ${port}. The server makes a new key each
time it starts, so a tab opened before a restart, or a bookmark, cannot get in.</p>
<p>Find the line <code>http://127.0.0.1:${port}/?token=…</code> in the terminal where
<code>spcxr serve</code> runs and open it. Everything that was saved is in the project folder.</p>
</body></html>
`;
}
