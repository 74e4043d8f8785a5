import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { zipFolder } from '../../src/core/export/zip.ts';

let dir = '';
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('zip of a folder export', () => {
  it("is read back by Python's zipfile with the same names and bytes", () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spcxr-zip-'));
    const src = path.join(dir, 'masks');
    mkdirSync(path.join(src, 'lung'), { recursive: true });
    writeFileSync(path.join(src, 'masks.csv'), 'file,sha256\nä.png,00\n');
    writeFileSync(
      path.join(src, 'lung', 'ä.png'),
      Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 7)),
    );
    const zip = path.join(dir, 'out.zip');
    writeFileSync(zip, zipFolder(src));
    const out = execFileSync(
      'python3',
      [
        '-c',
        'import sys,zipfile,hashlib;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print("\\n".join(f"{i.filename} {i.file_size} {hashlib.sha256(z.read(i)).hexdigest()[:8]}" for i in z.infolist()))',
        zip,
      ],
      { encoding: 'utf8' },
    );
    const lines = out.trim().split('\n');
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['lung/ä.png 5000', 'masks.csv 22']);
  });
});
