/**
 * Every security setting of the Electron shell in one place, as plain data where possible so
 * that a Node test can check it without the Electron binary (test/main/security.test.ts).
 */
import type { App, Session, WebPreferences } from 'electron';
import { contentSecurityPolicy } from '../core/api/csp.ts';

export const APP_SCHEME = 'app';
export const IMAGE_SCHEME = 'spcxr-image';
/** The only origin our window may show. */
export const APP_ORIGIN = `${APP_SCHEME}://renderer`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** No Node in the renderer, isolated and sandboxed; the preload is the only bridge. */
export const WINDOW_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} as const satisfies WebPreferences;

/** Our own scripts and wasm only; images from the project protocol; nothing remote at all. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({
  img: [`${IMAGE_SCHEME}:`],
  connect: [`${IMAGE_SCHEME}:`],
});

/** True when a URL belongs to our renderer (navigation inside the app is allowed). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'renderer';
  } catch {
    return false;
  }
}

/**
 * App-wide guards: no navigation away from the app, no new windows, no <webview>, every
 * permission request and check denied, no downloads.
 */
export function hardenApp(app: App, session: Session): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    contents.on('will-redirect', (ev, url) => {
      if (!isAppUrl(url)) ev.preventDefault();
    });
    // Sub-frames too (will-navigate covers only the main frame): an injected iframe must not
    // navigate anywhere either.
    contents.on('will-frame-navigate', (ev) => {
      if (!isAppUrl(ev.url)) ev.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (ev) => ev.preventDefault());
  // Defence in depth: the protocol handlers set the CSP too, this covers anything else.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}
