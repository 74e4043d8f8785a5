import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Chromium-family browsers that support `--app=URL`, by platform, most specific first. */
const CANDIDATES: Record<string, string[]> = {
  linux: [
    'chromium',
    'chromium-browser',
    'google-chrome',
    'google-chrome-stable',
    'microsoft-edge',
    'microsoft-edge-stable',
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    `${process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)'}\\Microsoft\\Edge\\Application\\msedge.exe`,
    `${process.env.PROGRAMFILES ?? 'C:\\Program Files'}\\Google\\Chrome\\Application\\chrome.exe`,
    `${process.env.LOCALAPPDATA ?? ''}\\Google\\Chrome\\Application\\chrome.exe`,
  ],
};

/** An executable on PATH (or an absolute path that exists). */
function resolveExecutable(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (path.isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const f = path.join(dir, name);
    if (existsSync(f)) return f;
  }
  return undefined;
}

/** The installed Chromium, Chrome or Edge to open the app with, or undefined. */
export function findChromium(explicit?: string): string | undefined {
  if (explicit) return resolveExecutable(explicit);
  for (const c of CANDIDATES[process.platform] ?? []) {
    const found = resolveExecutable(c);
    if (found) return found;
  }
  return undefined;
}

/**
 * Arguments for a window of the app alone: app mode, a private profile that nothing else
 * shares, no extensions, and none of the browser's own traffic (sync, updates, metrics).
 */
export function appWindowArgs(url: string, profileDir: string): string[] {
  const args = [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    '--disable-component-extensions-with-background-pages',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-domain-reliability',
    '--disable-breakpad',
    '--no-pings',
    '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
    '--password-store=basic',
    '--window-size=1440,900',
  ];
  // Chromium refuses to run as root with its sandbox (containers, CI machines).
  if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
  return args;
}

/** Opens the URL in the app window; the child exits when the window is closed. */
export function openAppWindow(browser: string, url: string, profileDir: string): ChildProcess {
  return spawn(browser, appWindowArgs(url, profileDir), { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The OS's "open this URL" command, for when no Chromium-family browser is installed. */
export function defaultBrowserCommand(url: string): { cmd: string; args: string[] } {
  if (process.platform === 'darwin') return { cmd: 'open', args: [url] };
  if (process.platform === 'win32') return { cmd: 'cmd', args: ['/c', 'start', '""', url] };
  return { cmd: 'xdg-open', args: [url] };
}
