import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PathGrants } from '../../src/core/api/path-grants.ts';
import { ApiService } from '../../src/core/api/service.ts';
import { httpUrls } from '../../src/core/api/urls.ts';
import { readManifest } from '../../src/core/import/manifest.ts';
import { runImport } from '../../src/core/import/pipeline.ts';
import { createProject } from '../../src/core/store/index.ts';
import { nodeWorkerSpawner } from '../../src/worker/spawn-node.ts';
import { REPO } from '../cli/run.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'spcxr-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const PNG = path.join(REPO, 'test/fixtures/images');

describe('hostile import input', () => {
  it('a folder of symlink loops finishes, imports the one image and reports the loops', async () => {
    const dir = path.join(tmp, 'loops');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    copyFileSync(path.join(PNG, '00000061_012.png'), path.join(dir, 'sub', 'a.png'));
    symlinkSync('.', path.join(dir, 'x'));
    symlinkSync('.', path.join(dir, 'y'));
    symlinkSync('..', path.join(dir, 'sub', 'up'));
    const store = createProject(path.join(tmp, 'p-loops'), { classes: ['normal'] });
    try {
      const r = await runImport(store, { paths: [dir] });
      expect(r.added).toBe(1);
      expect(r.skipped.filter((s) => /symlink loop/.test(s.reason)).length).toBeGreaterThanOrEqual(2);
    } finally {
      store.close();
    }
  }, 20_000);

  it('a non-manifest file is refused without echoing its content', () => {
    const secret = path.join(tmp, 'secret.txt');
    writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\nhunter2:s3cret\n');
    expect(() => readManifest(secret)).toThrow(/not a manifest/);
    try {
      readManifest(secret);
    } catch (e) {
      expect((e as Error).message).not.toMatch(/root:x|hunter2|s3cret/);
    }
  });

  it('serve imports only from uploads and --import-root folders', async () => {
    const proj = path.join(tmp, 'p-serve');
    createProject(proj, { classes: ['normal'] }).close();
    const allowed = path.join(tmp, 'allowed');
    mkdirSync(allowed);
    symlinkSync('/etc', path.join(allowed, 'etc-link'));
    const service = new ApiService({
      shell: 'serve',
      urls: httpUrls,
      spawnWorker: nodeWorkerSpawner(),
      lockedProject: proj,
      pathGrants: new PathGrants([path.join(proj, '.incoming'), allowed]),
    });
    try {
      await service.invoke('project.open', { path: proj });
      for (const params of [
        { manifest: '/etc/passwd', paths: [] },
        { paths: ['/etc'] },
        { paths: [path.join(allowed, 'etc-link', 'passwd')] },
        { paths: [path.join(allowed, '..', 'secret.txt')] },
      ])
        await expect(service.invoke('import.start', params)).rejects.toMatchObject({ code: 'forbidden' });
    } finally {
      service.close();
    }
  });

  it('labels are normalised; control, invisible, over-long and look-alike labels never become classes', async () => {
    const dir = path.join(tmp, 'labels');
    mkdirSync(dir);
    const files = ['00000061_012.png', '00001280_004.png', '00001281_000.png'];
    for (const f of files) copyFileSync(path.join(PNG, f), path.join(dir, f));
    const rows = [
      [files[0], ' normal '], // trimmed: the existing class
      [files[1], 'Normal'], // case look-alike
      [files[2], 'ｎｏｒｍａｌ'], // full-width look-alike
      [files[0], 'normal\u200b'], // zero-width space
      [files[1], 'bell\u0007'], // control character
      [files[2], 'x'.repeat(100_000)], // far over the limit
      [files[0], 'e\u0301ffusion'], // decomposed: stored as NFC
    ];
    const csv = ['file,label', ...rows.map(([f, l]) => `${f},"${l}"`)].join('\n');
    writeFileSync(path.join(dir, 'm.csv'), `${csv}\n`);
    const m = readManifest(path.join(dir, 'm.csv'));
    const bad = m.failed.map((f) => f.reason).join('\n');
    expect(bad).toMatch(/U\+200B/);
    expect(bad).toMatch(/U\+0007/);
    expect(bad).toMatch(/100000 characters long \(limit 64\)/);
    expect(bad.length).toBeLessThan(2000);
    const store = createProject(path.join(tmp, 'p-labels'), { classes: ['normal', 'pneumonia'] });
    try {
      const r = await runImport(store, { manifests: [path.join(dir, 'm.csv')] });
      const names = store.listClasses('image').map((c) => c.name);
      expect(names.sort()).toEqual(['effusion'.replace('e', 'é'), 'normal', 'pneumonia'].sort());
      const reasons = r.failed.map((f) => f.reason).join('\n');
      expect(reasons).toMatch(/'Normal' looks like the existing class 'normal'/);
      expect(reasons).toMatch(/'ｎｏｒｍａｌ' looks like the existing class 'normal'/);
      expect(() => store.addClass('PNEUMONIA')).toThrow(/looks like the existing class 'pneumonia'/);
    } finally {
      store.close();
    }
  });
});
