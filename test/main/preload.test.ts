/**
 * The preload bridge, loaded with stand-ins for Electron's contextBridge/ipcRenderer (the real
 * ones need the Electron binary): it exposes one object, generated from the contract, and
 * never ipcRenderer itself.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SpcxrBridge } from '../../src/core/api/wire.ts';

const exposed: Array<[string, unknown]> = [];
const invoked: Array<[string, unknown]> = [];
const ipcListeners = new Map<string, (e: unknown, msg: unknown) => void>();
const sentSync: Array<[string, unknown]> = [];
const ipcRenderer = {
  sendSync: (ch: string, p: unknown) => {
    sentSync.push([ch, p]);
    return true;
  },
  invoke: async (ch: string, p: unknown) => {
    invoked.push([ch, p]);
    return { ok: true, result: null };
  },
  on: (ch: string, fn: (e: unknown, msg: unknown) => void) => ipcListeners.set(ch, fn),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (k: string, v: unknown) => exposed.push([k, v]) },
  ipcRenderer,
  webUtils: { getPathForFile: (f: { name: string }) => `/real/${f.name}` },
}));

describe('preload bridge', async () => {
  await import('../../src/preload/index.ts');
  const [[key, api]] = exposed;
  const bridge = api as SpcxrBridge;

  it('exposes exactly one API object, not ipcRenderer', () => {
    expect(exposed).toHaveLength(1);
    expect(key).toBe('spcxr');
    expect(api).not.toBe(ipcRenderer);
    expect(Object.keys(api as object).sort()).toEqual(
      ['chooseFolder', 'chooseImages', 'invoke', 'on', 'onMenu', 'pathForFile'].sort(),
    );
  });

  it('forwards contract requests on their channel and refuses other names locally', async () => {
    await bridge.invoke('app.info', {});
    expect(invoked).toEqual([['spcxr:app.info', {}]]);
    const r = await bridge.invoke('shell.exec', { cmd: 'rm -rf /' });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(invoked).toHaveLength(1);
  });

  it('delivers contract events to subscribers until they unsubscribe', () => {
    const got: unknown[] = [];
    const off = bridge.on('job.progress', (p) => got.push(p));
    const deliver = ipcListeners.get('spcxr:event')!;
    deliver({}, { event: 'job.progress', payload: 1 });
    deliver({}, { event: 'job.done', payload: 2 });
    off();
    deliver({}, { event: 'job.progress', payload: 3 });
    expect(got).toEqual([1]);
    expect(() => bridge.on('not.an.event', () => {})).toThrow(/unknown event/);
  });

  it('gives dropped files their real path and passes only known menu commands', () => {
    expect(bridge.pathForFile!({ name: 'a.dcm' } as File)).toBe('/real/a.dcm');
    // The main process imports only granted paths: the drop is granted from the preload.
    expect(sentSync).toEqual([['spcxr-shell:grant-dropped', '/real/a.dcm']]);
    const cmds: string[] = [];
    bridge.onMenu!((c) => cmds.push(c));
    const menu = ipcListeners.get('spcxr-shell:menu')!;
    menu({}, 'import');
    menu({}, 'rm -rf');
    expect(cmds).toEqual(['import']);
  });
});
