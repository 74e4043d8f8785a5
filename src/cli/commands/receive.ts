import path from 'node:path';
import { startReceiver } from '../../core/interop/pacs/receiver.ts';
import { openProject } from '../../core/store/index.ts';
import { dicomSettings, parsePortFlag, saveReceiver } from '../pacs-args.ts';
import { untilSignal } from '../project-server.ts';
import { type Command, EXIT_OK, UsageError } from '../types.ts';

export const command: Command = {
  name: 'receive',
  usage: 'spcxr receive DIR [--port P] [--aet AE] [--host 127.0.0.1] [--allow AE1,AE2] [--save] [--json]',
  summary:
    'Run a DICOM receiver (C-STORE SCP) for the project in DIR until Ctrl-C: what a PACS or modality sends goes ' +
    'through the ordinary import. Listens on 127.0.0.1 unless --host says otherwise; --allow limits the calling AE ' +
    "titles. Port and AE title default to the project's settings (11112, SPCXR; --save stores these). Off unless started.",
  async run({ positionals, flags, io, json }) {
    if (positionals.length !== 1) throw new UsageError('expected exactly one project folder');
    const store = openProject(path.resolve(positionals[0]));
    const s = dicomSettings(store);
    const port = parsePortFlag(flags.port, 'port', s.receiver.port);
    const aet = typeof flags.aet === 'string' ? flags.aet : s.aet;
    const host = typeof flags.host === 'string' ? flags.host : s.receiver.host;
    const allowedAets = typeof flags.allow === 'string' ? flags.allow.split(',') : s.receiver.allowedAets;
    if (flags.save === true) saveReceiver(store, { aet, port, host, allowedAets });
    let received = 0;
    let added = 0;
    let failed = 0;
    const rx = await startReceiver(store, {
      aet,
      port,
      host,
      allowedAets,
      onImported: (r) => {
        received += r.received;
        added += r.import.added;
        failed += r.import.failed.length;
        for (const f of r.import.failed) io.err(`refused from ${r.callingAet}: ${f.file}: ${f.reason}`);
        io.err(
          `received ${r.received} from ${r.callingAet}: ${r.import.added} added, ${r.import.duplicates} duplicate(s)`,
        );
      },
      onError: (e) => io.err(`receiver: ${e.message}`),
    }).catch((e: Error) => {
      store.close();
      throw new Error(`cannot listen on ${host}:${port}: ${e.message}`);
    });
    if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost')
      io.err(
        `warning: listening on ${host}: any host that can reach this port can send images (see README, "Connect your PACS")`,
      );
    // The listening line goes out now (the receiver runs on), like `serve`.
    const hello = { ok: true, listening: true, host: rx.host, port: rx.port, aet };
    process.stdout.write(
      json ? `${JSON.stringify(hello)}\n` : `receiving as ${aet} on ${rx.host}:${rx.port}\n`,
    );
    const sig = await untilSignal();
    await rx.close();
    store.close();
    io.err(`stopped (${sig})`);
    return { json: { ok: true, stopped: sig, received, added, failed }, exitCode: EXIT_OK, printed: json };
  },
};
