/** Window position and size across runs, clamped so a window never opens off-screen. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface WindowState {
  bounds: Bounds;
  maximized: boolean;
}

export const DEFAULT_STATE: WindowState = {
  bounds: { x: 80, y: 60, width: 1400, height: 900 },
  maximized: false,
};
const MIN = { width: 800, height: 560 };

function intersects(a: Bounds, b: Bounds): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Keeps the saved bounds if they overlap a current display work area, else the default. */
export function clampToDisplays(state: WindowState, workAreas: Bounds[]): WindowState {
  const b = state.bounds;
  const sane =
    [b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width >= MIN.width && b.height >= MIN.height;
  if (!sane || !workAreas.some((w) => intersects(b, w)))
    return { ...DEFAULT_STATE, maximized: state.maximized };
  return state;
}

export function loadWindowState(file: string, workAreas: Bounds[]): WindowState {
  if (!existsSync(file)) return DEFAULT_STATE;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as WindowState;
    return clampToDisplays(
      { bounds: { ...DEFAULT_STATE.bounds, ...s.bounds }, maximized: s.maximized === true },
      workAreas,
    );
  } catch {
    return DEFAULT_STATE;
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(state));
}
