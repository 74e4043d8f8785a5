/**
 * A second launch of the desktop app must quit and start nothing (app.quit() is asynchronous:
 * without a guard the rest of main would run). The main module is loaded with a stand-in for
 * Electron whose single-instance lock is already taken.
 */
import { describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
vi.mock('electron', () => {
  const noop = () => {};
  return {
    app: {
      requestSingleInstanceLock: () => {
        calls.push('lock');
        return false;
      },
      quit: () => calls.push('quit'),
      whenReady: () => {
        calls.push('whenReady');
        return new Promise(noop);
      },
      getAppPath: () => '/nonexistent',
      isPackaged: false,
      on: () => calls.push('app.on'),
    },
    protocol: { registerSchemesAsPrivileged: noop, handle: noop },
    BrowserWindow: class {},
    dialog: {},
    ipcMain: { handle: noop, on: noop },
    Menu: {},
    screen: {},
    session: {},
    utilityProcess: {},
  };
});

describe('single-instance lock', () => {
  it('quits and starts nothing when another instance holds the lock', async () => {
    await import('../../src/main/index.ts');
    expect(calls).toContain('quit');
    expect(calls).not.toContain('whenReady');
    expect(calls).not.toContain('app.on');
  });
});
