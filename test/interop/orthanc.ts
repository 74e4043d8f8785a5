import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ORTHANC_BIN = '/usr/sbin/Orthanc';

/** A free TCP port on loopback (bind to 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Orthanc {
  httpPort: number;
  dicomPort: number;
  aet: string;
  /** POSTs a DICOM file to the REST API; returns Orthanc's answer. */
  store(file: string): Promise<{ ID: string; ParentStudy: string; Status: string }>;
  rest(pathname: string, init?: RequestInit): Promise<unknown>;
  stop(): Promise<void>;
  /** Kills the process at once (a PACS that dies mid-transfer). */
  kill(): void;
}

/**
 * Starts a real Orthanc (Debian's) on loopback with a generated configuration: random free
 * ports, storage in `dir`, no remote access, and the given modalities (AE → [aet, host, port]).
 * Unknown calling AEs may echo (Orthanc's default) but not find, get or move.
 */
export async function startOrthanc(
  dir: string,
  modalities: Record<string, [string, string, number]> = {},
): Promise<Orthanc> {
  mkdirSync(dir, { recursive: true });
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const aet = 'ORTHANC';
  const config = {
    Name: 'spcxr-test',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aet,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomCheckCalledAet: true,
    DicomModalities: modalities,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowFind: false,
    DicomAlwaysAllowGet: false,
    DicomAlwaysAllowMove: false,
    DicomAlwaysAllowStore: false,
    Plugins: [],
    ConcurrentJobs: 1,
    StableAge: 1,
  };
  const cfg = path.join(dir, 'orthanc.json');
  writeFileSync(cfg, JSON.stringify(config, null, 2));
  const log = path.join(dir, 'orthanc.log');
  const child: ChildProcess = spawn(ORTHANC_BIN, [`--logfile=${log}`, cfg], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${httpPort}`;
  const rest = async (p: string, init?: RequestInit) => {
    const r = await fetch(`${base}${p}`, init);
    if (!r.ok) throw new Error(`Orthanc ${p}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited (${child.exitCode}): ${safeRead(log)}`);
    try {
      await rest('/system');
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`Orthanc did not start: ${safeRead(log)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    httpPort,
    dicomPort,
    aet,
    rest,
    store: async (file) =>
      (await rest('/instances', { method: 'POST', body: readFileSync(file) })) as {
        ID: string;
        ParentStudy: string;
        Status: string;
      },
    kill: () => child.kill('SIGKILL'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function safeRead(f: string): string {
  try {
    return readFileSync(f, 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}
