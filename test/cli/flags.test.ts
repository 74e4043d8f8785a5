/** The command line tells the truth: unknown flags are usage errors with a suggestion; one version. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { commands } from '../../src/cli/commands/index.ts';
import { FLAG_SPECS, suggest } from '../../src/cli/flag-spec.ts';
import { UsageError } from '../../src/cli/types.ts';
import { cli, REPO } from './run.ts';

const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('flag specs', () => {
  it('every command has one, and it lists every flag the command reads', () => {
    expect(Object.keys(FLAG_SPECS).sort()).toEqual(Object.keys(commands).sort());
    const dir = path.join(REPO, 'src/cli/commands');
    const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
    const used = (src: string) =>
      [...src.matchAll(/flags(?:\.([a-zA-Z]\w*)|\['([a-z-]+)'\])/g)].map((m) => m[1] ?? m[2]);
    const engine = used(read('engine-args.ts'));
    for (const f of readdirSync(dir)) {
      const name = f.replace(/\.ts$/, '');
      const spec = FLAG_SPECS[name];
      if (!spec) continue;
      const src = read(f);
      const flags = [...used(src), ...(src.includes('engineFlags(') ? engine : [])];
      for (const flag of flags) expect([...spec.value, ...spec.boolean], `${name} --${flag}`).toContain(flag);
    }
  });

  it('rejects an unknown flag of every command with the nearest known one', () => {
    for (const [name, spec] of Object.entries(FLAG_SPECS)) {
      expect(() => parseCommandArgs(['x', '--definitely-not-a-flag'], spec), name).toThrow(UsageError);
      const first = [...spec.value, ...spec.boolean][0];
      if (!first) continue;
      const typo = `${first.slice(0, -1)}${first.endsWith('x') ? 'y' : 'x'}`;
      expect(() => parseCommandArgs([`--${typo}`, 'v'], spec), name).toThrow(`did you mean --${first}?`);
    }
  });

  it('keeps a boolean flag from swallowing the next positional, and refuses a value for it', () => {
    expect(parseCommandArgs(['--unlabelled', 'DIR'], FLAG_SPECS.ls)).toEqual({
      positionals: ['DIR'],
      flags: { unlabelled: true },
    });
    expect(() => parseCommandArgs(['--json=yes'], FLAG_SPECS.ls)).toThrow('--json takes no value');
  });

  it('suggests only near names', () => {
    expect(suggest('strategey', ['strategy', 'n', 'task'])).toBe('strategy');
    expect(suggest('manifset', ['manifest', 'source'])).toBe('manifest');
    expect(suggest('zzz', ['manifest', 'source'])).toBeUndefined();
  });
});

describe('the real CLI', () => {
  it('exits 2 on a misspelt flag, naming the right one, instead of ignoring it', () => {
    const s = cli('suggest', path.join(REPO, 'sample'), '--strategey', 'random');
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('unknown option --strategey (did you mean --strategy?)');
    const i = cli('import', '/nonexistent', '--manifset', 'x.csv', '--json');
    expect(i.code).toBe(2);
    expect(i.json()).toMatchObject({ ok: false, error: expect.stringContaining('did you mean --manifest?') });
    const c = cli('sugest');
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("did you mean 'suggest'?");
  });

  it('--version prints the one version, which the docs state too', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cli('--version').stdout).toBe(`spcxr ${version}\n`);
    expect(cli('--version', '--json').json()).toEqual({ ok: true, version });
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(readme.match(/## Status \((\d+\.\d+\.\d+)\)/)?.[1]).toBe(version);
    const changelog = readFileSync(path.join(REPO, 'CHANGELOG.md'), 'utf8');
    expect(changelog.match(/^## (\d+\.\d+\.\d+)/m)?.[1]).toBe(version);
  });
});
