/** Native menu. App commands go to the renderer, which owns the screens they open. */
import type { BrowserWindow, MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../core/api/channels.ts';

export interface MenuDeps {
  isMac: boolean;
  isDev: boolean;
  recent: Array<{ path: string; name: string }>;
  send(command: MenuCommand): void;
  openRecent(dir: string): void;
}

export function menuTemplate(d: MenuDeps): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => d.send('new-project') },
      { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => d.send('open-project') },
      {
        label: 'Open Recent',
        submenu: d.recent.length
          ? d.recent.map((r) => ({ label: `${r.name} — ${r.path}`, click: () => d.openRecent(r.path) }))
          : [{ label: 'No recent projects', enabled: false }],
      },
      { type: 'separator' },
      { label: 'Import Images…', accelerator: 'CmdOrCtrl+I', click: () => d.send('import') },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => d.send('export') },
      { type: 'separator' },
      d.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(d.isDev ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { label: 'Next Suggestion', accelerator: 'N', registerAccelerator: false, click: () => d.send('next') },
      {
        label: 'Keyboard Shortcuts',
        accelerator: 'Shift+/',
        registerAccelerator: false,
        click: () => d.send('help'),
      },
    ],
  };
  return [
    ...(d.isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    help,
  ];
}

export function sendTo(win: BrowserWindow | null, channel: string, command: MenuCommand): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, command);
}
