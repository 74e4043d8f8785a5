/**
 * PACS retrieve throughput: the app's C-GET (dcmjs-dimse, `getStudy`) against DCMTK's getscu
 * (the reference DICOM toolkit) from the same Orthanc on loopback, in one run, alternating.
 * Usage: npx tsx bench/pacs-retrieve.ts [instances=40] [rounds=3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readPart10, writePart10 } from '../src/core/interop/dicom-file.ts';
import { getStudy } from '../src/core/interop/pacs/client.ts';
import { startOrthanc } from '../test/interop/orthanc.ts';

const N = Number(process.argv[2] ?? 40);
const ROUNDS = Number(process.argv[3] ?? 3);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'spcxr-bench-pacs-'));
const src = readPart10(
  readFileSync(path.resolve('../shared/data/dicom/share/nih_cxr_DX_implicitLE_8bit.dcm')),
);
const orthanc = await startOrthanc(path.join(tmp, 'orthanc'), { SPCXR: ['SPCXR', '127.0.0.1', 1] });
try {
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const f = path.join(tmp, `i${i}.dcm`);
    const b = writePart10({
      ...src,
      StudyInstanceUID: '2.25.777',
      SeriesInstanceUID: '2.25.778',
      SOPInstanceUID: `2.25.779${i}`,
    });
    bytes += b.length;
    writeFileSync(f, b);
    await orthanc.store(f);
  }
  const peer = { host: '127.0.0.1', port: orthanc.dicomPort, calledAet: 'ORTHANC', callingAet: 'SPCXR' };
  const ours: number[] = [];
  const dcmtk: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = path.join(tmp, `ours${r}`);
    let t = performance.now();
    const got = await getStudy(peer, '2.25.777', a);
    ours.push(performance.now() - t);
    if (got.files.length !== N) throw new Error(`ours: ${got.files.length} of ${N}`);
    const b = path.join(tmp, `dcmtk${r}`);
    spawnSync('mkdir', ['-p', b]);
    t = performance.now();
    const p = spawnSync('getscu', [
      '-aet',
      'SPCXR',
      '-aec',
      'ORTHANC',
      '-S',
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      'StudyInstanceUID=2.25.777',
      '-od',
      b,
      '127.0.0.1',
      String(orthanc.dicomPort),
    ]);
    dcmtk.push(performance.now() - t);
    if (readdirSync(b).length !== N) throw new Error(`getscu: ${readdirSync(b).length} of ${N}: ${p.stderr}`);
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const mb = bytes / 2 ** 20;
  console.log(
    JSON.stringify(
      {
        instances: N,
        megabytes: +mb.toFixed(1),
        rounds: ROUNDS,
        oursMs: ours.map(Math.round),
        dcmtkMs: dcmtk.map(Math.round),
        oursMBps: +(mb / (med(ours) / 1000)).toFixed(1),
        dcmtkMBps: +(mb / (med(dcmtk) / 1000)).toFixed(1),
        ratio: +(med(ours) / med(dcmtk)).toFixed(2),
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        load: os.loadavg().map((x) => +x.toFixed(1)),
      },
      null,
      1,
    ),
  );
} finally {
  await orthanc.stop();
  rmSync(tmp, { recursive: true, force: true });
}
