import { existsSync } from 'node:fs';
import path from 'node:path';
import { echo, findStudies } from '../../core/interop/pacs/client.ts';
import { retrieveStudies } from '../../core/interop/pacs/retrieve.ts';
import { PacsError, type StudyQuery } from '../../core/interop/pacs/types.ts';
import { openProject, type ProjectStore } from '../../core/store/index.ts';
import { dicomSettings, peerFromFlags, savePeer } from '../pacs-args.ts';
import { type Command, EXIT_OK, EXIT_PARTIAL, UsageError } from '../types.ts';

const flag = (v: string | boolean | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

function queryFrom(flags: Record<string, string | boolean>): StudyQuery {
  return {
    patientId: flag(flags['patient-id']),
    studyDate: flag(flags['study-date']),
    modality: flag(flags.modality),
    bodyPart: flag(flags['body-part']),
  };
}

export const command: Command = {
  name: 'pacs',
  usage:
    'spcxr pacs echo|find|retrieve DIR --host H --port P [--aet AE] [--called-aet AE] [--patient-id ID] ' +
    '[--study-date RANGE] [--modality M] [--body-part B] [--study UID[,UID...] | --all] [--save] [--json]',
  summary:
    'Talk to a PACS over DICOM: echo (C-ECHO), find studies (C-FIND), retrieve studies (C-GET) into the project ' +
    "DIR through the ordinary import. --aet is this app's AE title (default: the project's, else SPCXR); the PACS " +
    'must know it. retrieve takes --study UIDs, or --all to retrieve every study the query finds. --save keeps ' +
    'host, port and AE titles in the project settings, so later calls can leave them out.',
  async run({ positionals, flags, io }) {
    const [action, dir] = positionals;
    if (!['echo', 'find', 'retrieve'].includes(action ?? '') || positionals.length !== 2)
      throw new UsageError('expected echo, find or retrieve and a project folder');
    if (!existsSync(path.join(dir, 'project.sqlite')))
      throw new UsageError(`${dir}: not a project folder (run spcxr init first)`);
    let store: ProjectStore | undefined = openProject(dir);
    const peer = peerFromFlags(flags, dicomSettings(store));
    if (flags.save === true) {
      savePeer(store, peer);
      io.err(
        `saved ${peer.calledAet}@${peer.host}:${peer.port} (as ${peer.callingAet}) as the project's PACS`,
      );
    }
    if (action !== 'retrieve') {
      store.close();
      store = undefined;
    }
    try {
      if (action === 'echo') {
        const r = await echo(peer);
        io.out(`C-ECHO ${peer.calledAet}@${peer.host}:${peer.port} ok (${r.ms} ms)`);
        return { json: { ok: true, action, peer, ...r }, exitCode: EXIT_OK };
      }
      const query = queryFrom(flags);
      if (action === 'find') {
        const studies = await findStudies(peer, query);
        for (const s of studies)
          io.out(
            `${s.studyInstanceUid}  ${s.patientId}  ${s.studyDate}  ${s.modalities.join('/')}  ${s.description}`,
          );
        io.out(`${studies.length} stud${studies.length === 1 ? 'y' : 'ies'}`);
        return { json: { ok: true, action, studies }, exitCode: EXIT_OK };
      }
      let uids =
        flag(flags.study)
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean) ?? [];
      if (flags.all === true) uids = (await findStudies(peer, query)).map((s) => s.studyInstanceUid);
      else if (!uids.length) throw new UsageError('retrieve needs --study UID[,UID...] or --all');
      const ctl = new AbortController();
      const stop = () => ctl.abort();
      process.once('SIGINT', stop);
      try {
        const r = await retrieveStudies(store!, peer, uids, {
          signal: ctl.signal,
          onProgress: (p) =>
            io.progress(`study ${p.study}/${p.studies}`, p.received, p.received + (p.remaining ?? 0)),
        });
        for (const s of r.studies)
          if (s.error) io.err(`study ${s.studyInstanceUid}: ${s.error} (${s.received} received)`);
        for (const f of r.import.failed) io.err(`failed: ${f.file}: ${f.reason}`);
        io.out(
          `retrieved ${r.studies.reduce((n, s) => n + s.received, 0)} instance(s): ${r.import.added} added, ${r.import.duplicates} duplicate(s), ${r.import.failed.length} refused${r.cancelled ? ' (cancelled)' : ''}`,
        );
        const ok = !r.cancelled && r.import.failed.length === 0 && r.studies.every((s) => !s.error);
        return { json: { ok, action, ...r }, exitCode: ok ? EXIT_OK : EXIT_PARTIAL };
      } finally {
        process.off('SIGINT', stop);
      }
    } catch (e) {
      if (e instanceof PacsError && e.code === 'bad_request') throw new UsageError(e.message);
      throw e;
    } finally {
      store?.close();
    }
  },
};
