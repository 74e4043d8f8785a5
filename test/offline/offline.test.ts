import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { utilityWorkerSpawner } from '../../src/main/worker-electron.ts';
import { BIN, REPO } from '../cli/run.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-offline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const hasStrace = works('strace', ['-V']);
// A network namespace with only a down loopback: the run must pass with no network at all.
// Unprivileged CI kernels may refuse it; then the strace check still runs on the host network.
const hasNetns = works('unshare', ['-n', 'true']);

/** connect() calls to anything but loopback or a Unix socket, from an `strace -f` log. */
function outboundConnects(log: string): string[] {
  return log
    .split('\n')
    .filter((l) => /\bconnect\(/.test(l) && !/AF_UNIX|AF_NETLINK/.test(l))
    .filter((l) => {
      const v4 = /inet_addr\("([\d.]+)"\)/.exec(l)?.[1];
      const v6 = /inet_pton\(AF_INET6, "([^"]+)"/.exec(l)?.[1];
      if (v4) return !v4.startsWith('127.');
      if (v6) return v6 !== '::1' && v6 !== '::ffff:127.0.0.1';
      return !/AF_UNSPEC/.test(l);
    });
}

describe('offline: nothing leaves the machine', () => {
  it('parses strace connect lines', () => {
    const log = [
      '12 connect(3, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16) = 0',
      '12 connect(4, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
      '12 connect(5, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = -1',
      '13 connect(6, {sa_family=AF_INET6, sin6_port=htons(443), inet_pton(AF_INET6, "2001:db8::1", &sin6_addr)}, 28) = -1',
    ].join('\n');
    expect(outboundConnects(log)).toHaveLength(2);
  });

  it.runIf(hasStrace)(
    `demo (import, features, train, predict, suggest) under strace -f${hasNetns ? ' in a network namespace with no network' : ''}: no outbound connect, no ~/.cache/Microsoft`,
    () => {
      const home = path.join(tmp, 'home');
      mkdirSync(home);
      const log = path.join(tmp, 'connect.log');
      const inner = ['strace', '-f', '-qq', '-e', 'trace=connect', '-o', log, process.execPath, BIN];
      const cmd = hasNetns ? ['unshare', '-n', ...inner] : inner;
      if (!hasNetns)
        console.warn('unshare -n refused by this kernel: ran on the host network, strace check only');
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
      delete env.XDG_CACHE_HOME;
      delete env.ORT_DISABLE_TELEMETRY; // the app must switch it off itself
      const r = spawnSync(cmd[0], [...cmd.slice(1), 'demo', path.join(tmp, 'demo'), '--json'], {
        cwd: REPO,
        env,
        encoding: 'utf8',
        timeout: 110_000,
      });
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!).ok).toBe(true);
      expect(outboundConnects(readFileSync(log, 'utf8'))).toEqual([]);
      expect(existsSync(path.join(home, '.cache/Microsoft'))).toBe(false);
    },
    120_000,
  );
  it.skipIf(hasStrace)('strace is missing: run scripts/install.sh', () => {});

  it('the Electron utilityProcess worker is started with telemetry off', () => {
    let seen: Record<string, unknown> = {};
    const fake = (_m: string, _a: string[], o: Record<string, unknown>) => {
      seen = o.env as Record<string, unknown>;
      return { pid: 1, on() {}, once() {}, postMessage() {}, kill() {} } as never;
    };
    utilityWorkerSpawner(fake, 'entry.js', { PATH: '/bin' })();
    expect(seen.ORT_DISABLE_TELEMETRY).toBe('1');
  });
});
