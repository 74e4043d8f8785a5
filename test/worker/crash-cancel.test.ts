/**
 * The ML worker is a real child process running real imports. Killing it with SIGKILL mid-job
 * must fail that job (not the app), restart the worker for the next job, and leave the project
 * consistent; cancelling must stop a job between commits.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../src/core/api/contract.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { openProject } from '../../src/core/store/index.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { cli, repoRoot } from '../api/fixture.ts';
import { hasSharedData, itShared } from '../shared-data.ts';

const nih = path.resolve(repoRoot, '../shared/data/cxr/nih_cxr14_talo/images');
const files = (hasSharedData ? readdirSync(nih) : [])
  .filter((f) => f.endsWith('.png'))
  .sort()
  .slice(0, 96)
  .map((f) => path.join(nih, f));

let root: string;
let service: ApiService;

function project(name: string): string {
  const dir = path.join(root, name);
  cli(['init', dir, '--classes', 'normal,pneumonia']);
  return dir;
}

function next<E extends keyof ApiEvents>(event: E, pred: (p: ApiEvents[E]) => boolean = () => true) {
  return new Promise<ApiEvents[E]>((resolve) => {
    const off = service.on(event, (p) => {
      if (pred(p)) {
        off();
        resolve(p);
      }
    });
  });
}

function imageCount(dir: string): number {
  const s = openProject(dir); // runs the integrity check; throws if the project is damaged
  try {
    return s.listImages({ limit: 1e6 }).total;
  } finally {
    s.close();
  }
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-worker-'));
  service = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
});
afterAll(() => {
  service?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('ML worker', () => {
  itShared('survives SIGKILL mid-import: job failed, worker restarted, project intact', async () => {
    const dir = project('crash');
    await service.invoke('project.open', { path: dir });
    const { jobId } = await service.invoke('import.start', { paths: files });
    await next('job.progress', (p) => p.jobId === jobId && p.progress.done >= 8);
    const pid = service.jobs.workerPid!;
    const failed = next('job.failed', (p) => p.jobId === jobId);
    const restarted = next('worker.restarted');
    process.kill(pid, 'SIGKILL');
    const f = await failed;
    expect(f).toMatchObject({ workerCrashed: true, cancelled: false });
    expect(f.error).toMatch(/SIGKILL/);
    expect((await restarted).reason).toMatch(/SIGKILL/);
    expect((await service.invoke('jobs.get', { jobId })).state).toBe('failed');

    // The app side never went down, and what was committed before the kill is intact.
    const info = await service.invoke('project.info');
    const kept = imageCount(dir);
    expect(kept).toBe(info.counts.images);
    expect(kept).toBeGreaterThanOrEqual(8);
    expect(kept).toBeLessThan(files.length);

    // A fresh worker runs the next job; the re-import completes the set without duplicates.
    const again = await service.invoke('import.start', { paths: files });
    const done = await next('job.done', (p) => p.jobId === again.jobId);
    expect(service.jobs.workerPid).not.toBe(pid);
    expect(done.result).toMatchObject({ total: files.length, added: files.length - kept, duplicates: kept });
    expect(imageCount(dir)).toBe(files.length);
  });

  itShared('cancels a running job between commits, and a queued job at once', async () => {
    const dir = project('cancel');
    await service.invoke('project.open', { path: dir });
    const restartsBefore = service.jobs.workerRestarts;
    const { jobId } = await service.invoke('import.start', { paths: files });
    const queued = await service.invoke('import.start', { paths: files.slice(0, 4) });
    expect((await service.invoke('jobs.get', { jobId: queued.jobId })).state).toBe('queued');
    expect(await service.invoke('jobs.cancel', { jobId: queued.jobId })).toEqual({ cancelled: true });
    expect((await service.invoke('jobs.get', { jobId: queued.jobId })).state).toBe('cancelled');

    await next('job.progress', (p) => p.jobId === jobId && p.progress.done >= 8);
    const failed = next('job.failed', (p) => p.jobId === jobId);
    expect(await service.invoke('jobs.cancel', { jobId })).toEqual({ cancelled: true });
    expect(await failed).toMatchObject({ cancelled: true, workerCrashed: false });
    expect((await service.invoke('jobs.get', { jobId })).state).toBe('cancelled');
    // Cooperative: the worker stopped the job itself, it was not killed.
    expect(service.jobs.workerRestarts).toBe(restartsBefore);
    expect(service.jobs.workerPid).toBeDefined();
    const kept = imageCount(dir);
    expect(kept).toBeGreaterThanOrEqual(8);
    expect(kept).toBeLessThan(files.length);
    expect(await service.invoke('jobs.cancel', { jobId })).toEqual({ cancelled: false });
  });

  it('cancels a job the starting worker has not received yet, without killing the worker', async () => {
    // A fresh service: its worker starts with this first job, so the cancel finds it still held.
    const fresh = new ApiService({ shell: 'in-process', urls: httpUrls, spawnWorker: nodeWorkerSpawner() });
    try {
      await fresh.invoke('project.open', { path: project('early-cancel') });
      const { jobId } = await fresh.invoke('export.start', { format: 'csv' });
      expect(await fresh.invoke('jobs.cancel', { jobId })).toEqual({ cancelled: true });
      expect((await fresh.invoke('jobs.get', { jobId })).state).toBe('cancelled');
      // The worker lives on and runs the next job.
      const done = new Promise<ApiEvents['job.done']>((resolve) => fresh.on('job.done', resolve));
      const next = await fresh.invoke('export.start', { format: 'csv' });
      expect((await done).jobId).toBe(next.jobId);
      expect(fresh.jobs.workerRestarts).toBe(0);
    } finally {
      fresh.close();
    }
  });

  it('reports a worker that runs out of memory as a failed job with the reason', async () => {
    // A real V8 heap limit far below what the worker needs: it aborts (SIGABRT) on its own.
    // V8's heap report is captured here, not printed into a green run.
    let stderr = '';
    const tiny = new ApiService({
      shell: 'in-process',
      urls: httpUrls,
      spawnWorker: nodeWorkerSpawner({
        maxOldSpaceMb: 8,
        stderr: (chunk) => {
          stderr += chunk.toString('utf8');
        },
      }),
    });
    try {
      await tiny.invoke('project.open', { path: project('oom') });
      const failed = new Promise<ApiEvents['job.failed']>((resolve) => tiny.on('job.failed', resolve));
      const { jobId } = await tiny.invoke('export.start', { format: 'csv' });
      const f = await failed;
      expect(f).toMatchObject({ jobId, workerCrashed: true, cancelled: false });
      expect(f.error).toMatch(/out of memory/);
      expect(stderr).toMatch(/heap out of memory/);
      expect((await tiny.invoke('project.info')).counts.images).toBe(0);
    } finally {
      tiny.close();
    }
  });
});
