/**
 * Without ../shared/data the tests that need it skip with one line and the run stays green; with
 * CI=true the same run fails. Exercised on a probe suite and on the real pytest suite.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './api/fixture.ts';

const absent = path.join(repoRoot, 'no-such-shared-data');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  const e: NodeJS.ProcessEnv = { ...process.env, SPCXR_SHARED_DATA: absent, ...env };
  if (env.CI === undefined) delete e.CI;
  return spawnSync(cmd, args, { cwd: repoRoot, env: e, encoding: 'utf8', timeout: 110_000 });
}

describe('tests that need ../shared/data', () => {
  const vitest = ['vitest', 'run', '--config', 'test/fixtures/shared-data/vitest.config.ts'];

  it('vitest: skipped with one line, the run green', () => {
    const r = run('npx', vitest, {});
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`shared CXR data not found at ${absent}: 3 tests skipped`);
    expect(r.stdout).toMatch(/1 passed/);
  });

  it('vitest: the same run fails in CI', () => {
    const r = run('npx', vitest, { CI: 'true' });
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toContain('CI must run every test');
  });

  const pytest = [
    '-m',
    'pytest',
    '-q',
    '-p',
    'no:cacheprovider',
    'pretrain/tests/test_eval.py',
    '-k',
    'patient_split or training_run',
  ];

  it('pytest: skipped with one line, the run green; failed in CI', () => {
    const r = run('/usr/bin/python3', pytest, {});
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`shared CXR data not found at ${absent}: 1 tests skipped`);
    const ci = run('/usr/bin/python3', pytest, { CI: 'true' });
    expect(ci.status).not.toBe(0);
  });
});
