import { readFileSync } from 'node:fs';

// `npx spcxr` runs us as npm → `sh -c spcxr` → node. A signal sent to the npm process that the
// user sees reaches the shell at most, which dies without passing it on (SIGHUP not even that),
// so the server would live on, orphaned, holding the port and the project. Under npm exec we
// therefore watch the launcher processes and hang up when one of them is gone.

/** Parent pid of `pid` from /proc (Linux); undefined elsewhere. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

export function watchLauncher(env = process.env, everyMs = 300) {
  if (env.npm_command !== 'exec' || process.ppid <= 1) return;
  const parent = process.ppid;
  const grand = parentOf(parent);
  // The shell's parent is npm itself; beyond that (a user's shell) is not ours to watch.
  const watched = [parent, ...(grand && grand > 1 ? [grand] : [])];
  const timer = setInterval(() => {
    if (process.ppid === parent && watched.every(alive)) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGHUP');
  }, everyMs);
  timer.unref();
}
