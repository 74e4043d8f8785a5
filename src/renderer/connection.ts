/**
 * The server's reachability, for the status bar and the banner. When it comes back after an
 * outage, what may have changed meanwhile is read again: project counts, the grid, and jobs
 * (a restarted server has none of the old ones).
 */
import type { ConnectionState } from '../core/api/contract.ts';
import { api } from './api.ts';
import { app, refreshProject } from './state.svelte.ts';

export function watchConnection(): () => void {
  let wasDown = false;
  const off = api.onConnection?.((s: ConnectionState) => {
    app.connection = s;
    if (s === 'offline' || s === 'unauthorized') wasDown = true;
    else if (s === 'online' && wasDown) {
      wasDown = false;
      void recover();
    }
  });
  return off ?? (() => {});
}

async function recover(): Promise<void> {
  try {
    await refreshProject();
    app.labelsVersion++;
    const live = new Map((await api.invoke('jobs.list', {})).map((j) => [j.id, j]));
    for (const [id, j] of Object.entries(app.jobs)) {
      const now = live.get(id);
      if (now) app.jobs[id] = now;
      else if (j.state === 'running' || j.state === 'queued')
        app.jobs[id] = { ...j, state: 'failed', error: 'the server stopped while it ran; start it again' };
    }
    app.notice = 'Reconnected to the server.';
  } catch (err) {
    app.fail(err, 'reload the project after reconnecting');
  }
}
