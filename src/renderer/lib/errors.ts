/**
 * Error text for people: what went wrong and what to do about it. API errors carry a code
 * (see the contract); everything else is shown with a generic next step.
 */

const ADVICE: Record<string, string> = {
  unauthorized:
    'The session token is missing or wrong. Open the link that `spcxr serve` printed (it contains #token=…).',
  forbidden: 'That path is outside the project. Choose files inside the project folder or import them first.',
  no_project: 'No project is open. Open or create a project on the Home screen.',
  not_found: 'It may have been deleted in another window. Go back to the grid and reload it.',
  conflict:
    'The data changed underneath (another window edited it). Reload the image (press F5) to see the latest version.',
  cancelled: 'The job was cancelled. Start it again when you are ready.',
  worker_crashed:
    'The background worker stopped (often out of memory). It has been restarted and your labels are safe; try again with a smaller batch size.',
  bad_request: 'Check the values you entered and try again.',
  internal: 'This is a bug. Try again; if it repeats, run `spcxr doctor` and report its output.',
};

export function explain(err: unknown, doing?: string): string {
  const e = err as { code?: string; message?: string } | null;
  const code = e && typeof e.code === 'string' ? e.code : null;
  const msg = e?.message ?? String(err);
  const prefix = doing ? `Could not ${doing}: ` : '';
  if (code && ADVICE[code]) return `${prefix}${msg}. ${ADVICE[code]}`;
  if (/Failed to fetch|NetworkError|ECONNREFUSED/i.test(msg))
    return `${prefix}the app cannot reach spcxr. Check that \`spcxr serve\` is still running, then reload the page.`;
  return `${prefix}${msg}. Try again; if it repeats, run \`spcxr doctor\`.`;
}
