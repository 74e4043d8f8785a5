/**
 * The renderer's only door to the app: a contextBridge API generated from the contract's
 * request and event names. It never exposes ipcRenderer itself, and refuses names that are
 * not in the contract before anything reaches the main process.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  IPC_EVENT_CHANNEL,
  ipcInvokeChannel,
  isEventName,
  isRequestName,
  MENU_COMMANDS,
  SHELL_CHANNELS,
} from '../core/api/channels.ts';
import type { Reply, SpcxrBridge } from '../core/api/wire.ts';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const menuListeners = new Set<(command: string) => void>();

ipcRenderer.on(IPC_EVENT_CHANNEL, (_e, msg: { event: string; payload: unknown }) => {
  for (const l of listeners.get(msg?.event) ?? []) l(msg.payload);
});
ipcRenderer.on(SHELL_CHANNELS.menu, (_e, command: string) => {
  if ((MENU_COMMANDS as readonly string[]).includes(command)) for (const l of menuListeners) l(command);
});

const bridge: SpcxrBridge = {
  invoke(name, params) {
    if (!isRequestName(name))
      return Promise.resolve<Reply>({
        ok: false,
        error: { code: 'not_found', message: `unknown request '${name}'` },
      });
    return ipcRenderer.invoke(ipcInvokeChannel(name), params) as Promise<Reply>;
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`unknown event '${event}'`);
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
  // Page code can only hand over File objects the user dropped or picked, never a made-up
  // string: the main process imports only from paths granted here or by its own dialogs.
  pathForFile: (file) => {
    const p = webUtils.getPathForFile(file);
    if (p) ipcRenderer.sendSync(SHELL_CHANNELS.grantDropped, p);
    return p;
  },
  chooseFolder: (opts) =>
    ipcRenderer.invoke(SHELL_CHANNELS.chooseFolder, opts ?? {}) as Promise<string | null>,
  chooseImages: () => ipcRenderer.invoke(SHELL_CHANNELS.chooseImages) as Promise<string[]>,
  onMenu(listener) {
    menuListeners.add(listener);
    return () => {
      menuListeners.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('spcxr', bridge);
