/**
 * Electron main process: wires the hardened window, the custom protocols, the contract IPC
 * and the ML worker (utilityProcess) around one ApiService. Everything else lives in core.
 */
import '../core/offline.ts';
import '../core/private-umask.ts';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  type IpcMainInvokeEvent,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  utilityProcess,
} from 'electron';
import { SHELL_CHANNELS } from '../core/api/channels.ts';
import { PathGrants } from '../core/api/path-grants.ts';
import { ApiService } from '../core/api/service.ts';
import { electronUrls } from '../core/api/urls.ts';
import { checkShippedModels } from '../core/app/model-check.ts';
import { chooseFolder, chooseImages } from './dialogs.ts';
import { IpcBridge } from './ipc.ts';
import { menuTemplate, sendTo } from './menu.ts';
import { handleProtocols, registerSchemes } from './protocol.ts';
import { RecentProjects } from './recent.ts';
import { hardenApp } from './security.ts';
import { createMainWindow } from './window.ts';
import { utilityWorkerSpawner } from './worker-electron.ts';

registerSchemes(protocol);
// A second launch hands over to the first (its 'second-instance' event) and does nothing else:
// app.quit() is asynchronous, so without the guard below this process would go on to start.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

const root = app.getAppPath();
const isDev = !app.isPackaged;
const modelsDir = app.isPackaged
  ? path.join(process.resourcesPath, 'models')
  : path.join(root, 'resources/models');
let win: BrowserWindow | null = null;

async function start(): Promise<void> {
  hardenApp(app, session.defaultSession);
  const recent = new RecentProjects(path.join(app.getPath('userData'), 'recent.json'), (d) =>
    app.addRecentDocument(d),
  );
  // Shipped models are verified before anything can use them (half-copied or tampered files).
  const models = await checkShippedModels(modelsDir);
  const bad = models.filter((m) => !m.ok);
  if (bad.length || !models.length)
    dialog.showErrorBox(
      'Model files failed their checksum',
      (bad.length ? bad.map((m) => `${m.name}: ${m.detail}`) : [`no model found in ${modelsDir}`]).join(
        '\n',
      ) + '\n\nReinstall SPCXR Studio. Labelling still works; training and suggestions need the model.',
    );
  const encoder = models.find((m) => m.ok);
  // Renderer-supplied paths are never trusted: import reads only what a dialog or a drop granted.
  const pathGrants = new PathGrants();
  const service = new ApiService({
    shell: 'electron',
    urls: electronUrls,
    spawnWorker: utilityWorkerSpawner(
      (p, a, o) => utilityProcess.fork(p, a, o),
      path.join(root, 'dist/worker/index.js'),
      { ...process.env, ...(encoder ? { SPCXR_ENCODER: encoder.dir } : {}) },
    ),
    recent,
    pathGrants,
    modelsDir,
    version: app.getVersion(),
    electronVersion: process.versions.electron,
  });
  handleProtocols(protocol, path.join(root, 'dist/renderer'), service);
  const ipc = new IpcBridge(ipcMain, service);
  ipc.register();
  ipc.handleShell(SHELL_CHANNELS.chooseFolder, (_e, arg) =>
    win ? chooseFolder(dialog, win, (arg ?? {}) as { title?: string; create?: boolean }) : null,
  );
  ipc.handleShell(SHELL_CHANNELS.chooseImages, async () => {
    const picked = win ? await chooseImages(dialog, win) : [];
    for (const p of picked) pathGrants.grant(p);
    return picked;
  });
  ipcMain.on(SHELL_CHANNELS.grantDropped, (event, p: unknown) => {
    if (ipc.allowed(event as unknown as IpcMainInvokeEvent) && typeof p === 'string') pathGrants.grant(p);
    event.returnValue = true;
  });

  const buildMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate({
          isMac: process.platform === 'darwin',
          isDev,
          recent: recent.list(),
          send: (c) => sendTo(win, SHELL_CHANNELS.menu, c),
          openRecent: (dir) =>
            void service
              .invoke('project.open', { path: dir })
              .catch((e: Error) => dialog.showErrorBox('Cannot open project', e.message)),
        }),
      ),
    );
  buildMenu();
  // Counts change constantly; the Open Recent list only when another project opens.
  let shown = '';
  service.on('project.changed', (info) => {
    if (info.path !== shown) {
      shown = info.path;
      buildMenu();
    }
  });

  const open = () => {
    win = createMainWindow(BrowserWindow, screen, {
      preload: path.join(root, 'dist/preload/index.cjs'),
      stateFile: path.join(app.getPath('userData'), 'window-state.json'),
    });
    ipc.trust(win.webContents);
    win.on('closed', () => {
      win = null;
    });
  };
  open();
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('activate', () => {
    if (!win) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => service.close());
}

if (primary)
  app.whenReady().then(start, (e: Error) => {
    dialog.showErrorBox('SPCXR Studio could not start', e.message);
    app.exit(1);
  });
