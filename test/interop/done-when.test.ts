/**
 * The clinic journey end to end: a real Orthanc on loopback; through the app (CLI and API) query
 * it, retrieve chest X-ray studies into a project, label them (masks), export de-identified
 * DICOM SEG; pydicom, dcmdump and dciodvfy read the SEGs back: right references and pixels, no PHI.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessClient } from '../../src/core/api/in-process.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { parseCsv } from '../../src/core/import/csv.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { waitFor } from '../api/fixture.ts';
import { cli } from '../cli/run.ts';
import { DICOM_DIR, dciodvfy, dcmdump, makeMask, pydicomCheck } from './helpers.ts';
import { type Orthanc, startOrthanc } from './orthanc.ts';

let tmp: string;
let orthanc: Orthanc;
let service: ApiService;
let client: ReturnType<typeof createInProcessClient>;
const sha = async (b: Uint8Array) =>
  (await import('node:crypto')).createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-clinic-'));
  orthanc = await startOrthanc(path.join(tmp, 'orthanc'), { SPCXR: ['SPCXR', '127.0.0.1', 1] });
  for (const f of ['CR-MONO1-10-chest', 'nih_cxr_DX_implicitLE_8bit.dcm', 'no_pixel_data_SR.dcm'])
    await orthanc.store(path.join(DICOM_DIR, f));
}, 60_000);
afterAll(async () => {
  client?.close();
  service?.close();
  await orthanc?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('connect your PACS: query, retrieve, label, export de-identified SEG', () => {
  it('works through the CLI and the API, and the SEG carries the right references and pixels and no PHI', async () => {
    const dir = path.join(tmp, 'p');
    const pacs = [
      '--host',
      '127.0.0.1',
      '--port',
      String(orthanc.dicomPort),
      '--called-aet',
      'ORTHANC',
      '--aet',
      'SPCXR',
      '--json',
    ];
    expect(cli('init', dir, '--json').code).toBe(0);
    expect(cli('pacs', 'echo', dir, ...pacs).json()).toMatchObject({ ok: true });

    // CLI: find the CR chest study and retrieve it.
    const found = cli('pacs', 'find', dir, ...pacs, '--modality', 'CR').json() as {
      studies: Array<Record<string, string>>;
    };
    expect(found.studies).toHaveLength(1);
    const cr = found.studies[0];
    const got = cli('pacs', 'retrieve', dir, ...pacs, '--study', cr.studyInstanceUid);
    expect(got.code, got.stderr).toBe(0);
    expect(got.json()).toMatchObject({ ok: true, import: { added: 1, failed: [] } });

    // API: find the DX study by patient and modality, retrieve it as a job.
    service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
    client = createInProcessClient(service);
    await client.invoke('project.open', { path: dir });
    const peer = { host: '127.0.0.1', port: orthanc.dicomPort, calledAet: 'ORTHANC' };
    expect((await client.invoke('pacs.echo', peer)).ms).toBeGreaterThanOrEqual(0);
    const { studies } = await client.invoke('pacs.find', { ...peer, patientId: 'Covid0000', modality: 'DX' });
    expect(studies).toHaveLength(1);
    const dx = studies[0];
    const done = waitFor<{ jobId: string; result: unknown }>((cb) => client.on('job.done', cb));
    await client.invoke('pacs.retrieve', { ...peer, studyUids: [dx.studyInstanceUid] });
    expect(((await done).result as { import: { added: number } }).import.added).toBe(1);
    await expect(
      client.invoke('pacs.find', { ...peer, callingAet: 'NOBODY', studyDate: 'soon' }),
    ).rejects.toThrow(/study date 'soon'/);

    // Label both through the API, as the viewer does (a full-image mask edit).
    const { items } = await client.invoke('images.list', {});
    expect(items).toHaveLength(2);
    const masks = new Map<string, Uint8Array>();
    for (const img of items) {
      const m = makeMask({ id: img.id, width: img.width, height: img.height });
      const detail = await client.invoke('images.get', { id: img.id });
      masks.set((detail.meta as { sopInstanceUid: string }).sopInstanceUid, m);
      await client.invoke('masks.saveEdit', {
        imageId: img.id,
        maskClass: 'lung',
        rect: { x: 0, y: 0, width: img.width, height: img.height },
        before: Buffer.alloc(m.length).toString('base64'),
        after: Buffer.from(m).toString('base64'),
        tool: 'test',
      });
    }

    // Export de-identified SEG through the API (a job) and through the CLI.
    const exported = waitFor<{ result: unknown }>((cb) => client.on('job.done', cb));
    await client.invoke('export.start', { format: 'seg', deidentify: true, out: path.join(tmp, 'api-seg') });
    expect((await exported).result).toMatchObject({ files: 3 });
    client.close();
    service.close();
    const out = path.join(tmp, 'seg');
    const ex = cli('export', dir, '--format', 'seg', '--deidentify', '--out', out, '--json');
    expect(ex.code, ex.stderr).toBe(0);
    const plain = path.join(tmp, 'seg-plain');
    expect(cli('export', dir, '--format', 'seg', '--out', plain, '--json').code).toBe(0);

    // Independent readers: dciodvfy, dcmdump, pydicom.
    const files = readdirSync(out)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => path.join(out, f));
    const plainFiles = readdirSync(plain)
      .filter((f) => f.endsWith('.dcm'))
      .map((f) => path.join(plain, f));
    expect(files).toHaveLength(2);
    const phi = [
      cr.patientName,
      cr.patientId,
      cr.accessionNumber,
      cr.studyInstanceUid,
      dx.patientId,
      dx.patientName,
      dx.studyInstanceUid,
      ...masks.keys(),
    ].filter((v) => v && v.length >= 4);
    const info = pydicomCheck(
      [...files, ...plainFiles],
      ['PatientName', 'PatientID', 'AccessionNumber', 'InstitutionName', 'PatientBirthDate'],
    );
    const rows = parseCsv(readFileSync(path.join(out, 'seg.csv'), 'utf8')).slice(1);
    expect(rows).toHaveLength(2);
    const pseudonyms = new Set<string>();
    for (const f of files) {
      expect(dciodvfy(f).errors).toEqual([]);
      expect(dcmdump(f).output).toMatch(/SegmentationStorage/);
      const s = info[f];
      expect(s.identityRemoved).toBe('YES');
      pseudonyms.add(s.patientName);
      expect(s.segments).toEqual([{ label: 'lung', code: '39607008', scheme: 'SCT', meaning: 'Lung' }]);
      // References are consistent inside the SEG and are not the originals (remapped).
      expect(s.refSop).toBe(s.refSopInSeries);
      expect(masks.has(s.refSop)).toBe(false);
      const header = readFileSync(f).toString('latin1');
      for (const v of phi) expect(header.includes(v), `"${v}" survives in ${f}`).toBe(false);
      expect(Object.keys(s.phi).filter((k) => k !== 'PatientName' && k !== 'PatientID')).toEqual([]);
    }
    expect(pseudonyms.size).toBe(2);
    // The de-identified SEG's pixels equal the masks: compare with the plain export, whose
    // references are the PACS's own UIDs (the right study, series and instance).
    const bySopPlain = new Map(plainFiles.map((f) => [info[f].refSop, info[f]]));
    expect([...bySopPlain.keys()].sort()).toEqual([...masks.keys()].sort());
    expect(bySopPlain.get(masks.keys().next().value!)!.study).toBe(cr.studyInstanceUid);
    const deidFrames = new Set(files.map((f) => info[f].frames[0].sha256));
    for (const [sop, m] of masks) {
      const want = await sha(m);
      expect(bySopPlain.get(sop)!.frames[0].sha256).toBe(want);
      expect(deidFrames.has(want)).toBe(true);
    }
  });
});
