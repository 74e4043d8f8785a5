import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPart10, writePart10 } from '../../src/core/interop/dicom-file.ts';
import { echo, findStudies } from '../../src/core/interop/pacs/client.ts';
import { type Receiver, startReceiver } from '../../src/core/interop/pacs/receiver.ts';
import { retrieveStudies } from '../../src/core/interop/pacs/retrieve.ts';
import { PacsError, type PacsPeer } from '../../src/core/interop/pacs/types.ts';
import { createProject, type ProjectStore } from '../../src/core/store/index.ts';
import { DICOM_DIR } from './helpers.ts';
import { freePort, type Orthanc, startOrthanc } from './orthanc.ts';

let tmp: string;
let orthanc: Orthanc;
let store: ProjectStore;
let peer: PacsPeer;
let receivePort: number;
const HUGE = 40;
const studies: Record<string, string> = {};

/** `n` instances of one real chest DX in one new study (new study, series and SOP UIDs). */
function makeStudy(dir: string, n: number): string[] {
  const src = readPart10(readFileSync(path.join(DICOM_DIR, 'nih_cxr_DX_implicitLE_8bit.dcm')));
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const ds = {
      ...src,
      StudyInstanceUID: '2.25.4242',
      SeriesInstanceUID: '2.25.4243',
      SOPInstanceUID: `2.25.4244${i}`,
      PatientID: 'HUGE-1',
      InstanceNumber: String(i + 1),
    };
    const f = path.join(dir, `huge-${i}.dcm`);
    writeFileSync(f, writePart10(ds));
    files.push(f);
  }
  return files;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-pacs-'));
  receivePort = await freePort();
  orthanc = await startOrthanc(path.join(tmp, 'orthanc'), {
    SPCXR: ['SPCXR', '127.0.0.1', receivePort],
    WRONGAE: ['WRONGAE', '127.0.0.1', receivePort],
  });
  peer = { host: '127.0.0.1', port: orthanc.dicomPort, calledAet: orthanc.aet, callingAet: 'SPCXR' };
  for (const [k, f] of Object.entries({
    cr: 'CR-MONO1-10-chest',
    dx: 'nih_cxr_DX_implicitLE_8bit.dcm',
    sr: 'no_pixel_data_SR.dcm',
  }))
    studies[k] = (await orthanc.store(path.join(DICOM_DIR, f))).ParentStudy;
  for (const f of makeStudy(tmp, HUGE)) await orthanc.store(f);
  store = createProject(path.join(tmp, 'p'));
}, 60_000);
afterAll(async () => {
  store?.close();
  await orthanc?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const uidOf = async (orthancStudy: string) =>
  ((await orthanc.rest(`/studies/${orthancStudy}`)) as { MainDicomTags: { StudyInstanceUID: string } })
    .MainDicomTags.StudyInstanceUID;

async function failure(p: Promise<unknown>): Promise<PacsError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PacsError);
    return e as PacsError;
  }
  throw new Error('expected a PacsError');
}

describe('PACS query and retrieve against a real Orthanc', () => {
  it('C-ECHO works, and a wrong port or called AE says so', async () => {
    expect((await echo(peer)).ms).toBeGreaterThanOrEqual(0);
    const closed = await failure(echo({ ...peer, port: await freePort() }));
    expect(closed.code).toBe('connect');
    expect(closed.message).toMatch(/connection refused/);
    const rejected = await failure(echo({ ...peer, calledAet: 'NOTORTHANC' }));
    expect(rejected.code).toBe('rejected');
    expect(rejected.message).toMatch(/rejected the association.*called AE title 'NOTORTHANC' not recognised/);
    expect((await failure(echo({ ...peer, callingAet: 'WAY-TOO-LONG-AE-TITLE' }))).message).toMatch(
      /not a valid AE title/,
    );
  });

  it('C-FIND by patient, modality and date; an unknown calling AE is refused with a clear message', async () => {
    const all = await findStudies(peer, {});
    expect(all.map((s) => s.studyInstanceUid).sort()).toEqual(
      (await Promise.all(Object.values(studies).map(uidOf))).concat('2.25.4242').sort(),
    );
    const dx = await findStudies(peer, { patientId: 'Covid0000' });
    expect(dx).toHaveLength(1);
    expect(dx[0]).toMatchObject({ modalities: ['DX'], studyInstanceUid: await uidOf(studies.dx) });
    expect((await findStudies(peer, { modality: 'CR' })).map((s) => s.studyInstanceUid)).toEqual([
      await uidOf(studies.cr),
    ]);
    const huge = await findStudies(peer, { patientId: 'HUGE-1' });
    expect(huge[0].instances).toBe(HUGE);
    expect(await findStudies(peer, { studyDate: '1800-01-01-1800-12-31' })).toEqual([]);
    const unknown = await failure(findStudies({ ...peer, callingAet: 'NOBODY' }, {}, { timeoutMs: 3000 }));
    expect(unknown.message).toMatch(/NOBODY/);
    expect((await failure(findStudies(peer, { studyDate: 'last week' }))).code).toBe('bad_request');
  });

  it('retrieves a chest X-ray study into the project through the ordinary import (dedup applies)', async () => {
    const uid = await uidOf(studies.cr);
    const seen: number[] = [];
    const r = await retrieveStudies(store, peer, [uid], { onProgress: (p) => seen.push(p.received) });
    expect(r).toMatchObject({ cancelled: false, studies: [{ studyInstanceUid: uid, received: 1 }] });
    expect(r.import).toMatchObject({ added: 1, failed: [] });
    const img = store.listImages().items[0];
    expect(img).toMatchObject({ format: 'dicom', width: 440, height: 440, source: 'pacs:ORTHANC' });
    expect((img.meta as { studyInstanceUid: string }).studyInstanceUid).toBe(uid);
    expect(seen.at(-1)).toBe(1);
    const again = await retrieveStudies(store, peer, [uid]);
    expect(again.import).toMatchObject({ added: 0, duplicates: 1 });
    expect(readdirSync(path.join(store.dir, '.incoming')).filter((d) => d.startsWith('pacs-'))).toEqual([]);
  });

  it('lists a non-image SOP class (SR) as refused, and the project is unchanged', async () => {
    const before = store.counts().images;
    const r = await retrieveStudies(store, peer, [await uidOf(studies.sr)]);
    expect(r.studies[0].received).toBe(1);
    expect(r.import.added).toBe(0);
    expect(r.import.failed).toHaveLength(1);
    expect(r.import.failed[0].reason).toMatch(/not an image/i);
    expect(store.counts().images).toBe(before);
  });

  it('a huge study cancelled mid-transfer keeps only whole instances and says it was cancelled', async () => {
    const ctl = new AbortController();
    const before = store.counts().images;
    const r = await retrieveStudies(store, peer, ['2.25.4242'], {
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.received >= 3) ctl.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.studies[0].error).toBe('cancelled');
    expect(r.studies[0].received).toBeGreaterThanOrEqual(3);
    expect(r.studies[0].received).toBeLessThan(HUGE);
    expect(r.import.failed).toEqual([]);
    expect(store.counts().images).toBe(before + r.import.added);
    expect(store.integrityCheck().ok).toBe(true);
  });

  it('the C-STORE receiver files what a PACS sends through the ordinary import; a wrong AE is refused', async () => {
    const imported: number[] = [];
    const rx: Receiver = await startReceiver(store, {
      aet: 'SPCXR',
      port: receivePort,
      allowedAets: ['ORTHANC'],
      onImported: (r) => imported.push(r.import.added + r.import.duplicates),
    });
    try {
      expect(rx.host).toBe('127.0.0.1');
      const before = store.counts().images;
      await orthanc.rest('/modalities/SPCXR/store', {
        method: 'POST',
        body: JSON.stringify({ Resources: [studies.dx], Synchronous: true }),
      });
      for (let i = 0; i < 100 && !imported.length; i++) await new Promise((r) => setTimeout(r, 50));
      expect(imported).toEqual([1]);
      expect(store.counts().images).toBe(before + 1);
      expect(store.listImages({ source: 'dicom:ORTHANC' }).items).toHaveLength(1);
      // Orthanc knows us as WRONGAE: the receiver refuses the association, nothing is imported.
      await expect(
        orthanc.rest('/modalities/WRONGAE/store', {
          method: 'POST',
          body: JSON.stringify({ Resources: [studies.cr], Synchronous: true }),
        }),
      ).rejects.toThrow();
      const asOther = await failure(
        echo({ host: '127.0.0.1', port: rx.port, calledAet: 'SPCXR', callingAet: 'STRANGER' }),
      );
      expect(asOther.message).toMatch(/calling AE title 'STRANGER' not recognised/);
      expect(store.counts().images).toBe(before + 1);
    } finally {
      await rx.close();
    }
  });

  it('a PACS that dies mid-transfer gives a clear error; whole instances are kept, the project stays consistent', async () => {
    const before = store.counts().images;
    let killed = false;
    const r = await retrieveStudies(store, { ...peer }, ['2.25.4242'], {
      onProgress: (p) => {
        if (p.received >= 2 && !killed) {
          killed = true;
          orthanc.kill();
        }
      },
    });
    expect(killed).toBe(true);
    expect(r.studies[0].error).toMatch(/lost|closed the connection|aborted/);
    expect(store.integrityCheck().ok).toBe(true);
    expect(store.counts().images).toBe(before + r.import.added);
    expect(
      existsSync(path.join(store.dir, '.incoming')) ? readdirSync(path.join(store.dir, '.incoming')) : [],
    ).toEqual([]);
  });
});
