/** The project's DICOM settings go through the typed state owner (`state.dicom`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { savePeer, saveReceiver } from '../../src/cli/pacs-args.ts';
import { dicomSettings, state } from '../../src/core/app/state.ts';
import { createProject } from '../../src/core/store/index.ts';
import type { ProjectStore } from '../../src/core/store/types.ts';

let dir: string;
let store: ProjectStore;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'spcxr-dicom-'));
  store = createProject(path.join(dir, 'p'), { classes: ['normal'] });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads defaults, keeps what --save wrote, and ignores a broken stored value', () => {
  const defaults = dicomSettings(store);
  expect(defaults.receiver).toEqual({ port: 11112, host: '127.0.0.1', allowedAets: [] });
  expect(dicomSettings(undefined)).toEqual(defaults);
  savePeer(store, { host: 'pacs.local', port: 4242, calledAet: 'ORTHANC', callingAet: 'CLINIC' });
  saveReceiver(store, { aet: 'CLINIC', port: 11113, host: '0.0.0.0', allowedAets: ['ORTHANC'] });
  expect(dicomSettings(store)).toEqual({
    ...defaults,
    aet: 'CLINIC',
    pacs: { host: 'pacs.local', port: 4242, calledAet: 'ORTHANC' },
    receiver: { port: 11113, host: '0.0.0.0', allowedAets: ['ORTHANC'] },
  });
  // Written by another version, or by hand: read as the defaults, never cast.
  store.setSetting(state.dicom.key, { receiver: { port: 'eleven' } });
  expect(dicomSettings(store)).toEqual(defaults);
  expect(() => state.dicom.set(store, { ...defaults, aet: 'A'.repeat(17) })).toThrow();
});
