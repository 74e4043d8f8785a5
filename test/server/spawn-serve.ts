import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { spcxrBin } from '../api/fixture.ts';

/** Started from a folder unrelated to the checkout, like a user would (the worker must still start). */
const cwd = os.tmpdir();

export interface Served {
  proc: ChildProcess;
  url: string;
  base: string;
  port: number;
  token: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts a real `spcxr serve` process and waits for the URL line on stdout. */
export function spawnServe(args: string[]): Promise<Served> {
  const proc = spawn(process.execPath, [spcxrBin, 'serve', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (!line) return;
      const u = new URL(line.trim());
      resolve({
        proc,
        url: line.trim(),
        base: `${u.protocol}//${u.host}`,
        port: Number(u.port),
        token: u.searchParams.get('token')!,
        stderr: () => err,
        stop: () =>
          new Promise((r) => {
            if (proc.exitCode !== null) return r();
            proc.once('exit', () => r());
            proc.kill('SIGTERM');
          }),
      });
    });
    proc.once('exit', (code) => reject(new Error(`spcxr serve exited with ${code}: ${err}`)));
  });
}

/** Runs `spcxr serve` expecting it to refuse to start; returns exit code and stderr. */
export function serveRefusal(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const proc = spawn(process.execPath, [spcxrBin, 'serve', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, stderr })));
}
