import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { menuTemplate } from '../../src/main/menu.ts';
import { RecentProjects } from '../../src/main/recent.ts';
import {
  clampToDisplays,
  DEFAULT_STATE,
  loadWindowState,
  saveWindowState,
} from '../../src/main/window-state.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'spcxr-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

describe('window state', () => {
  it('round-trips and falls back when the saved window is off every display', () => {
    const file = path.join(root, 'w.json');
    const s = { bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: true };
    saveWindowState(file, s);
    expect(loadWindowState(file, screen)).toEqual(s);
    expect(clampToDisplays({ ...s, bounds: { ...s.bounds, x: 5000 } }, screen).bounds).toEqual(
      DEFAULT_STATE.bounds,
    );
    expect(clampToDisplays({ ...s, bounds: { ...s.bounds, width: 10 } }, screen).bounds).toEqual(
      DEFAULT_STATE.bounds,
    );
    writeFileSync(file, '{broken');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_STATE);
  });
});

describe('recent projects', () => {
  it('keeps the newest first, without duplicates, at most 10, and survives a corrupt file', () => {
    const file = path.join(root, 'recent.json');
    const told: string[] = [];
    const r = new RecentProjects(file, (d) => told.push(d));
    for (let i = 0; i < 12; i++) r.add(`/p/${i}`, `p${i}`);
    r.add('/p/3', 'p3');
    const list = r.list();
    expect(list).toHaveLength(10);
    expect(list[0].path).toBe('/p/3');
    expect(new Set(list.map((x) => x.path)).size).toBe(10);
    expect(told.at(-1)).toBe('/p/3');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toHaveLength(10);
    writeFileSync(file, 'not json');
    expect(r.list()).toEqual([]);
  });
});

describe('menu', () => {
  it('sends app commands to the renderer and lists recent projects', () => {
    const sent: string[] = [];
    const opened: string[] = [];
    const t = menuTemplate({
      isMac: false,
      isDev: false,
      recent: [{ path: '/p/a', name: 'a' }],
      send: (c) => sent.push(c),
      openRecent: (d) => opened.push(d),
    });
    const file = t.find((m) => m.label === 'File')!.submenu as Array<{
      label?: string;
      click?: () => void;
      submenu?: unknown;
    }>;
    file.find((i) => i.label === 'Open Project…')!.click!();
    (file.find((i) => i.label === 'Open Recent')!.submenu as Array<{ click: () => void }>)[0].click();
    expect(sent).toEqual(['open-project']);
    expect(opened).toEqual(['/p/a']);
    // No developer tools in a packaged build.
    expect(JSON.stringify(t)).not.toMatch(/toggleDevTools/);
  });
});
