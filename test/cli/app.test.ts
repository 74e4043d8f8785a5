/**
 * `spcxr app` opens a real Chromium app window (under Xvfb here), with a private profile and no
 * extensions, and closing that window stops the server. Without Chromium it falls back to the
 * OS's URL opener. The screenshot of the window goes to test-artifacts/.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/cli/browser.ts';
import { repoRoot, sampleProject, spcxrBin } from '../api/fixture.ts';

const artifacts = path.join(repoRoot, 'test-artifacts');
const PY = '/usr/bin/python3';
const xvfb = spawnSync('sh', ['-c', 'command -v Xvfb']).status === 0;
const chromium = findChromium();
// install.sh installs both; only a machine set up some other way can lack them (never CI).
const missing = [!xvfb && 'Xvfb (Debian package xvfb)', !chromium && 'Chromium'].filter(Boolean);
if (missing.length > 0 && process.env.CI === 'true')
  throw new Error(`spcxr app tests need ${missing.join(' and ')}: run scripts/install.sh`);

let project: ReturnType<typeof sampleProject>;
beforeAll(() => {
  project = sampleProject();
});
afterAll(() => project?.cleanup());

function children(pid: number): Array<{ pid: number; cmd: string }> {
  const r = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), cmd: m[3] }));
  const out: Array<{ pid: number; cmd: string }> = [];
  const walk = (p: number) => {
    for (const c of rows.filter((x) => x.ppid === p)) {
      out.push(c);
      walk(c.pid);
    }
  };
  walk(pid);
  return out;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startApp(env: NodeJS.ProcessEnv) {
  const proc = spawn(process.execPath, [spcxrBin, 'app', project.dir, '--json'], {
    cwd: os.tmpdir(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const first = new Promise<{ url: string; port: number; mode: string; browser: string | null }>(
    (resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
      });
      proc.once('exit', (code) => reject(new Error(`spcxr app exited ${code}: ${stderr}`)));
    },
  );
  return { proc, first, exited, stderr: () => stderr };
}

describe.skipIf(missing.length > 0)('spcxr app: a desktop window without Electron', () => {
  let xvfbProc: ChildProcess;
  let display = '';
  beforeAll(async () => {
    // -displayfd: Xvfb picks a free display and writes its number to fd 3.
    xvfbProc = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    display = await new Promise<string>((resolve) => {
      (xvfbProc.stdio[3] as NodeJS.ReadableStream).once('data', (d) => resolve(`:${String(d).trim()}`));
    });
  });
  afterAll(() => {
    xvfbProc?.kill();
  });

  it('opens a Chromium app window with a private profile; closing it stops the server', async () => {
    const app = startApp({ ...process.env, DISPLAY: display });
    try {
      const info = await app.first;
      expect(info.mode).toBe('app-window');
      // The window is spawned as the URL is announced; on a loaded machine its process can
      // take a moment to appear in ps.
      let win: { pid: number; cmd: string } | undefined;
      for (let i = 0; i < 60 && !win; i++) {
        win = children(app.proc.pid!).find((c) => c.cmd.includes(`--app=${info.url}`));
        if (!win) await new Promise((r) => setTimeout(r, 250));
      }
      expect(win, app.stderr()).toBeDefined();
      for (const flag of ['--user-data-dir=', '--disable-extensions', '--disable-background-networking'])
        expect(win!.cmd).toContain(flag);
      const profile = win!.cmd.match(/--user-data-dir=(\S+)/)![1];
      expect(existsSync(profile)).toBe(true);

      // Wait until the image grid has painted its X-ray thumbnails: the page is drawn (many
      // colours; a blank page has a handful) and a fair share of the grid is bright (the UI is
      // dark and thumbnail placeholders are black).
      mkdirSync(artifacts, { recursive: true });
      const shot = path.join(artifacts, 'spcxr-app-window.png');
      let bright = 0;
      let colours = 0;
      // Bounded by time, not by tries: under a loaded full suite each screen grab itself takes
      // a second or more, and 90 tries once outlasted the test's own limit.
      const paintBy = Date.now() + 150_000;
      while (Date.now() < paintBy && (bright < 0.15 || colours < 1000)) {
        await sleep(1000);
        const r = spawnSync(
          PY,
          [
            '-c',
            [
              'import sys',
              'from PIL import ImageGrab',
              'im = ImageGrab.grab(xdisplay=sys.argv[1])',
              'im.save(sys.argv[2])',
              'g = im.convert("L").crop((20, 200, 1100, 850))',
              'h = g.histogram()',
              'print(sum(h[128:]) / sum(h), len(set(im.getdata())))',
            ].join('\n'),
            display,
            shot,
          ],
          { encoding: 'utf8' },
        );
        expect(r.status, r.stderr).toBe(0);
        [bright, colours] = r.stdout.trim().split(' ').map(Number);
      }
      // The sample's chest X-rays are on screen.
      expect(bright).toBeGreaterThanOrEqual(0.15);
      expect(colours).toBeGreaterThanOrEqual(1000);

      // Closing the window ends the browser process; the server follows.
      process.kill(Number(win!.pid), 'SIGTERM');
      expect(await app.exited).toBe(0);
      expect(app.stderr()).toContain('window closed: stopping the server');
      expect(await portFree(info.port)).toBe(true);
      expect(existsSync(profile)).toBe(false);
    } finally {
      app.proc.kill('SIGKILL');
    }
  }, 240_000);

  it('stops the window and the server on SIGTERM', async () => {
    const app = startApp({ ...process.env, DISPLAY: display });
    try {
      const info = await app.first;
      let win: { pid: number } | undefined;
      for (let i = 0; i < 20 && !win; i++) {
        win = children(app.proc.pid!).find((c) => c.cmd.includes('--app='));
        if (!win) await sleep(250);
      }
      expect(win).toBeDefined();
      app.proc.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(children(app.proc.pid!)).toEqual([]);
      expect(() => process.kill(win!.pid, 0)).toThrow();
      expect(await portFree(info.port)).toBe(true);
    } finally {
      app.proc.kill('SIGKILL');
    }
  });
});

describe('spcxr app without Chromium', () => {
  it("falls back to the OS's URL opener and serves until stopped", async () => {
    // A PATH holding only a recording xdg-open: no Chromium, Chrome or Edge can be found.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'spcxr-nochrome-'));
    const log = path.join(bin, 'opened.txt');
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\necho "$@" > '${log}'\n`);
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    delete env.SPCXR_BROWSER;
    const app = startApp(env);
    try {
      const info = await app.first;
      expect(info).toMatchObject({ mode: process.platform === 'linux' ? 'default-browser' : info.mode });
      for (let i = 0; i < 40 && !existsSync(log); i++) await sleep(250);
      expect(readFileSync(log, 'utf8').trim()).toBe(info.url);
      expect(app.stderr()).toContain('opened the app in the default browser');
      const u = new URL(info.url);
      const res = await fetch(`${u.origin}/`, {
        headers: { authorization: `Bearer ${u.searchParams.get('token')}` },
      });
      expect(res.status).toBe(200);
      app.proc.kill('SIGTERM');
      expect(await app.exited).toBe(0);
      expect(await portFree(info.port)).toBe(true);
    } finally {
      app.proc.kill('SIGKILL');
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
