/**
 * IPC handlers generated from the contract: one `ipcMain.handle` per request name, each
 * rejecting senders that are not one of our windows showing our renderer (electron/fiddle's
 * pattern). Events fan out to every trusted window on one channel.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, ipcInvokeChannel, REQUEST_NAMES } from '../core/api/channels.ts';
import { invokeToReply } from '../core/api/in-process.ts';
import type { ApiService } from '../core/api/service.ts';
import type { Reply } from '../core/api/wire.ts';
import { isAppUrl } from './security.ts';

/** Pure check, testable without Electron: a known window id and a frame showing app://renderer. */
export function isTrustedSender(
  senderId: number,
  frameUrl: string | undefined,
  trustedIds: ReadonlySet<number>,
): boolean {
  return trustedIds.has(senderId) && frameUrl !== undefined && isAppUrl(frameUrl);
}

export const FORBIDDEN_REPLY: Reply = {
  ok: false,
  error: { code: 'forbidden', message: 'IPC from an unknown sender was refused' },
};

export class IpcBridge {
  private readonly trusted = new Map<number, WebContents>();

  constructor(
    private readonly ipcMain: IpcMain,
    private readonly service: ApiService,
  ) {}

  trust(contents: WebContents): void {
    this.trusted.set(contents.id, contents);
    contents.once('destroyed', () => this.trusted.delete(contents.id));
  }

  allowed(event: IpcMainInvokeEvent): boolean {
    return isTrustedSender(event.sender.id, event.senderFrame?.url, new Set(this.trusted.keys()));
  }

  register(): () => void {
    for (const name of REQUEST_NAMES) {
      this.ipcMain.handle(ipcInvokeChannel(name), (event, params: unknown) =>
        this.allowed(event) ? invokeToReply(this.service, name, params) : FORBIDDEN_REPLY,
      );
    }
    const off = this.service.on('*', (payload, event) => {
      for (const wc of this.trusted.values())
        if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, { event, payload });
    });
    return () => {
      off();
      for (const name of REQUEST_NAMES) this.ipcMain.removeHandler(ipcInvokeChannel(name));
    };
  }

  /** Shell-only handlers (dialogs): same sender check. */
  handleShell<T>(channel: string, fn: (event: IpcMainInvokeEvent, arg: unknown) => Promise<T> | T): void {
    this.ipcMain.handle(channel, (event, arg: unknown) => {
      if (!this.allowed(event)) throw new Error('IPC from an unknown sender was refused');
      return fn(event, arg);
    });
  }
}
