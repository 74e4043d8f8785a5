/**
 * Static check of the Electron window's security: the settings objects themselves, the guards
 * installed on every web contents (exercised through small recording stand-ins, since the
 * Electron binary cannot run here), and a scan of the main/preload sources for anything that
 * would weaken them.
 */
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { App, Session } from 'electron';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY,
  CONTENT_SECURITY_POLICY,
  hardenApp,
  isAppUrl,
  WINDOW_WEB_PREFERENCES,
} from '../../src/main/security.ts';
import { repoRoot } from '../api/fixture.ts';

describe('Electron window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(WINDOW_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a strict CSP: own scripts and wasm only, nothing remote', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [k, ...v] = d.trim().split(/\s+/);
        return [k, v];
      }),
    );
    expect(directives['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|ws:|\*|'unsafe-eval'/);
  });

  it('only treats app://renderer as the app', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    for (const u of [
      'https://example.com/',
      'app://evil/index.html',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'nonsense',
    ])
      expect(isAppUrl(u), u).toBe(false);
  });

  it('denies navigation away, new windows, webviews, permissions and downloads', () => {
    const app = new EventEmitter();
    const sessionEvents = new EventEmitter();
    const handlers: Record<string, (...a: never[]) => unknown> = {};
    const session = Object.assign(sessionEvents, {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
      webRequest: { onHeadersReceived: (h: never) => (handlers.headers = h) },
    });
    hardenApp(app as unknown as App, session as unknown as Session);

    const contents = new EventEmitter() as EventEmitter & { openHandler?: () => { action: string } };
    Object.assign(contents, {
      setWindowOpenHandler: (h: () => { action: string }) => (contents.openHandler = h),
    });
    app.emit('web-contents-created', {}, contents);
    const nav = (event: string, url: string) => {
      let prevented = false;
      contents.emit(event, { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(nav('will-navigate', 'https://evil.example/')).toBe(true);
    expect(nav('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(nav('will-redirect', 'https://evil.example/')).toBe(true);
    expect(nav('will-navigate', 'app://renderer/index.html')).toBe(false);
    // will-frame-navigate passes one event that carries the URL (every frame, sub-frames too).
    const frameNav = (url: string) => {
      let prevented = false;
      contents.emit('will-frame-navigate', {
        url,
        isMainFrame: false,
        preventDefault: () => (prevented = true),
      });
      return prevented;
    };
    expect(frameNav('https://evil.example/')).toBe(true);
    expect(frameNav('app://renderer/index.html')).toBe(false);
    expect(contents.openHandler?.()).toEqual({ action: 'deny' });
    let webview = false;
    contents.emit('will-attach-webview', { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let granted: boolean | undefined;
      (handlers.request as (...a: unknown[]) => void)({}, permission, (g: boolean) => (granted = g));
      expect(granted, permission).toBe(false);
    }
    expect((handlers.check as () => boolean)()).toBe(false);
    expect((handlers.device as () => boolean)()).toBe(false);
    let download = false;
    sessionEvents.emit('will-download', { preventDefault: () => (download = true) });
    expect(download).toBe(true);
    let headers: Record<string, string[]> = {};
    (handlers.headers as (...a: unknown[]) => void)(
      { responseHeaders: {} },
      (r: { responseHeaders: Record<string, string[]> }) => {
        headers = r.responseHeaders;
      },
    );
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('no main-process or preload source weakens these settings or leaks ipcRenderer', () => {
    const files = ['src/main', 'src/preload'].flatMap((d) =>
      readdirSync(path.join(repoRoot, d)).map((f) => path.join(repoRoot, d, f)),
    );
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      expect(src, f).not.toMatch(
        /nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/,
      );
      expect(src, f).not.toMatch(
        /allowRunningInsecureContent:\s*true|enableRemoteModule|loadURL\(['"`]https?:/,
      );
    }
    const window = readFileSync(path.join(repoRoot, 'src/main/window.ts'), 'utf8');
    expect(window).toMatch(/webPreferences: \{ \.\.\.WINDOW_WEB_PREFERENCES, preload:/);
    const preload = readFileSync(path.join(repoRoot, 'src/preload/index.ts'), 'utf8');
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(preload).toMatch(/exposeInMainWorld\('spcxr', bridge\)/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer/);
  });
});
