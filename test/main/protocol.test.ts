import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererFile } from '../../src/main/protocol.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-proto-'));
const renderer = path.join(root, 'renderer');
mkdirSync(path.join(renderer, 'assets'), { recursive: true });
writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
writeFileSync(path.join(renderer, 'assets/app.js'), '');
writeFileSync(path.join(root, 'secret.txt'), 'secret');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves renderer files and index.html at the root', () => {
    expect(rendererFile(renderer, 'app://renderer/')).toBe(path.join(renderer, 'index.html'));
    expect(rendererFile(renderer, 'app://renderer/assets/app.js')).toBe(path.join(renderer, 'assets/app.js'));
  });

  it('refuses anything outside the renderer folder or another host', () => {
    for (const u of [
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/..%2fsecret.txt',
      'app://renderer/assets/..%2f..%2fsecret.txt',
      'app://renderer/%2fetc%2fpasswd',
      'app://other/index.html',
      'app://renderer/missing.js',
    ])
      expect(rendererFile(renderer, u), u).toBeNull();
  });
});
