import path from 'node:path';
import type { BrowserWindow as BW, Screen } from 'electron';
import { APP_ENTRY, WINDOW_WEB_PREFERENCES } from './security.ts';
import { loadWindowState, saveWindowState } from './window-state.ts';

type BrowserWindowCtor = new (opts: Electron.BrowserWindowConstructorOptions) => BW;

export function createMainWindow(
  BrowserWindow: BrowserWindowCtor,
  screen: Screen,
  opts: { preload: string; stateFile: string },
): BW {
  const areas = screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(opts.stateFile, areas);
  const win = new BrowserWindow({
    ...state.bounds,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'SPCXR Studio',
    backgroundColor: '#111418',
    webPreferences: { ...WINDOW_WEB_PREFERENCES, preload: path.resolve(opts.preload) },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const save = () => {
    if (!win.isDestroyed())
      saveWindowState(opts.stateFile, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('close', save);
  void win.loadURL(APP_ENTRY);
  return win;
}
