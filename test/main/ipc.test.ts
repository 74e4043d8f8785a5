/**
 * IPC handlers are generated from the contract and refuse unknown senders. The handlers run
 * against a real ApiService; ipcMain is a recording stand-in because Electron cannot run here.
 */

import { EventEmitter } from 'node:events';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { ipcInvokeChannel, REQUEST_NAMES } from '../../src/core/api/channels.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { electronUrls } from '../../src/core/api/urls.ts';
import { FORBIDDEN_REPLY, IpcBridge, isTrustedSender } from '../../src/main/ipc.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';

const service = new ApiService({ shell: 'electron', urls: electronUrls, spawnWorker: nodeWorkerSpawner() });
afterAll(() => service.close());

function fakeContents(id: number) {
  const sent: unknown[] = [];
  const wc = Object.assign(new EventEmitter(), {
    id,
    isDestroyed: () => false,
    send: (_ch: string, msg: unknown) => sent.push(msg),
  });
  return { wc: wc as unknown as WebContents, sent };
}

describe('IPC bridge', () => {
  it('trusts only our windows showing app://renderer', () => {
    const ids = new Set([3]);
    expect(isTrustedSender(3, 'app://renderer/index.html', ids)).toBe(true);
    expect(isTrustedSender(4, 'app://renderer/index.html', ids)).toBe(false);
    expect(isTrustedSender(3, 'https://evil.example/', ids)).toBe(false);
    expect(isTrustedSender(3, 'app://other/index.html', ids)).toBe(false);
    expect(isTrustedSender(3, undefined, ids)).toBe(false);
  });

  it('registers one handler per contract request, answers trusted senders, refuses others', async () => {
    const handlers = new Map<string, (e: IpcMainInvokeEvent, p: unknown) => unknown>();
    const ipcMain = {
      handle: (ch: string, fn: (e: IpcMainInvokeEvent, p: unknown) => unknown) => handlers.set(ch, fn),
      removeHandler: (ch: string) => handlers.delete(ch),
    } as unknown as IpcMain;
    const bridge = new IpcBridge(ipcMain, service);
    const dispose = bridge.register();
    expect([...handlers.keys()].sort()).toEqual(REQUEST_NAMES.map(ipcInvokeChannel).sort());

    const ours = fakeContents(7);
    bridge.trust(ours.wc);
    const ev = (id: number, url: string) =>
      ({ sender: { id }, senderFrame: { url } }) as unknown as IpcMainInvokeEvent;
    const info = handlers.get(ipcInvokeChannel('app.info'))!;
    const ok = (await info(ev(7, 'app://renderer/index.html'), {})) as {
      ok: boolean;
      result: { shell: string };
    };
    expect(ok).toMatchObject({ ok: true, result: { shell: 'electron' } });
    expect(await info(ev(8, 'app://renderer/index.html'), {})).toEqual(FORBIDDEN_REPLY);
    expect(await info(ev(7, 'https://evil.example/'), {})).toEqual(FORBIDDEN_REPLY);
    // Params are validated in the service, whatever the transport.
    const bad = (await handlers.get(ipcInvokeChannel('images.list'))!(ev(7, 'app://renderer/'), {
      limit: -1,
    })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    // Events reach trusted windows only, and stop once the window is gone.
    const stranger = fakeContents(9);
    service.emit('worker.restarted', { reason: 'test' });
    expect(ours.sent).toEqual([{ event: 'worker.restarted', payload: { reason: 'test' } }]);
    expect(stranger.sent).toEqual([]);
    ours.wc.emit('destroyed');
    service.emit('worker.restarted', { reason: 'again' });
    expect(ours.sent).toHaveLength(1);
    dispose();
    expect(handlers.size).toBe(0);
  });
});
