/**
 * Editor tools as a pure state machine: `transition(state, event)` returns the next state and
 * the side effects for the canvas to perform. No DOM here, so every gesture is unit-tested.
 */
import type { Point } from './types.ts';

export type ToolName = 'brush' | 'eraser' | 'fill' | 'polygon' | 'lasso' | 'pan';

export type Phase =
  | { kind: 'idle' }
  | { kind: 'stroking'; last: Point }
  | { kind: 'panning'; last: Point }
  | { kind: 'windowing'; last: Point }
  | { kind: 'polygon'; points: Point[]; subtract: boolean }
  | { kind: 'lasso'; points: Point[]; subtract: boolean };

export interface ToolState {
  tool: ToolName;
  phase: Phase;
}

/** Pointer positions are in image pixels (`p`) and screen pixels (`s`); `scale` is screen px per image px. */
export type ToolEvent =
  | { type: 'down'; p: Point; s: Point; button: 0 | 1 | 2; alt: boolean; space: boolean; scale: number }
  | { type: 'move'; p: Point; s: Point }
  | { type: 'up'; p: Point; s: Point }
  | { type: 'dblclick' }
  | { type: 'key'; key: 'Enter' | 'Escape' | 'Backspace' }
  | { type: 'select'; tool: ToolName };

export type Effect =
  | { type: 'begin' }
  | { type: 'commit' }
  | { type: 'abort' }
  | { type: 'paint'; from: Point; to: Point; erase: boolean }
  | { type: 'fill'; at: Point }
  | { type: 'region'; points: Point[]; subtract: boolean }
  | { type: 'preview'; points: Point[] | null }
  | { type: 'pan'; dx: number; dy: number }
  | { type: 'window'; dx: number; dy: number };

export interface Transition {
  state: ToolState;
  effects: Effect[];
}

export function initialTool(tool: ToolName = 'brush'): ToolState {
  return { tool, phase: { kind: 'idle' } };
}

const IDLE: Phase = { kind: 'idle' };
/** Closing a polygon by clicking near its first vertex, in screen pixels. */
const CLOSE_RADIUS = 8;

function cancel(state: ToolState): Transition {
  const ph = state.phase;
  const effects: Effect[] = [];
  if (ph.kind === 'stroking') effects.push({ type: 'commit' });
  if (ph.kind === 'polygon' || ph.kind === 'lasso') effects.push({ type: 'preview', points: null });
  return { state: { ...state, phase: IDLE }, effects };
}

function closeRegion(state: ToolState, points: Point[], subtract: boolean): Transition {
  const effects: Effect[] = [{ type: 'preview', points: null }];
  if (points.length >= 3) effects.push({ type: 'region', points, subtract });
  return { state: { ...state, phase: IDLE }, effects };
}

export function transition(state: ToolState, ev: ToolEvent): Transition {
  const ph = state.phase;
  if (ev.type === 'select') return { state: { tool: ev.tool, phase: IDLE }, effects: cancel(state).effects };

  if (ev.type === 'down') {
    // Right drag is window/level and middle drag or space-drag pans, whatever the tool.
    if (ph.kind === 'idle' && ev.button === 2)
      return { state: { ...state, phase: { kind: 'windowing', last: ev.s } }, effects: [] };
    if (ph.kind === 'idle' && (ev.button === 1 || ev.space || state.tool === 'pan'))
      return { state: { ...state, phase: { kind: 'panning', last: ev.s } }, effects: [] };
    if (ev.button !== 0) return { state, effects: [] };
    switch (state.tool) {
      case 'brush':
      case 'eraser':
        if (ph.kind !== 'idle') return { state, effects: [] };
        return {
          state: { ...state, phase: { kind: 'stroking', last: ev.p } },
          effects: [
            { type: 'begin' },
            { type: 'paint', from: ev.p, to: ev.p, erase: state.tool === 'eraser' },
          ],
        };
      case 'fill':
        return { state, effects: [{ type: 'fill', at: ev.p }] };
      case 'lasso':
        return {
          state: { ...state, phase: { kind: 'lasso', points: [ev.p], subtract: ev.alt } },
          effects: [],
        };
      case 'polygon': {
        if (ph.kind !== 'polygon') {
          const points = [ev.p];
          return {
            state: { ...state, phase: { kind: 'polygon', points, subtract: ev.alt } },
            effects: [{ type: 'preview', points }],
          };
        }
        if (ph.points.length >= 3 && isNearFirst(ph, ev)) return closeRegion(state, ph.points, ph.subtract);
        const points = [...ph.points, ev.p];
        return { state: { ...state, phase: { ...ph, points } }, effects: [{ type: 'preview', points }] };
      }
    }
  }

  if (ev.type === 'move') {
    switch (ph.kind) {
      case 'stroking':
        return {
          state: { ...state, phase: { kind: 'stroking', last: ev.p } },
          effects: [{ type: 'paint', from: ph.last, to: ev.p, erase: state.tool === 'eraser' }],
        };
      case 'panning':
        return {
          state: { ...state, phase: { kind: 'panning', last: ev.s } },
          effects: [{ type: 'pan', dx: ev.s.x - ph.last.x, dy: ev.s.y - ph.last.y }],
        };
      case 'windowing':
        return {
          state: { ...state, phase: { kind: 'windowing', last: ev.s } },
          effects: [{ type: 'window', dx: ev.s.x - ph.last.x, dy: ev.s.y - ph.last.y }],
        };
      case 'lasso': {
        const points = [...ph.points, ev.p];
        return { state: { ...state, phase: { ...ph, points } }, effects: [{ type: 'preview', points }] };
      }
      case 'polygon':
        return { state, effects: [{ type: 'preview', points: [...ph.points, ev.p] }] };
      default:
        return { state, effects: [] };
    }
  }

  if (ev.type === 'up') {
    switch (ph.kind) {
      case 'stroking':
        return { state: { ...state, phase: IDLE }, effects: [{ type: 'commit' }] };
      case 'panning':
      case 'windowing':
        return { state: { ...state, phase: IDLE }, effects: [] };
      case 'lasso':
        return closeRegion(state, [...ph.points, ev.p], ph.subtract);
      default:
        return { state, effects: [] };
    }
  }

  if (ev.type === 'dblclick' && ph.kind === 'polygon') return closeRegion(state, ph.points, ph.subtract);

  if (ev.type === 'key') {
    if (ev.key === 'Escape') return cancel(state);
    if (ph.kind === 'polygon' && ev.key === 'Enter') return closeRegion(state, ph.points, ph.subtract);
    if (ph.kind === 'polygon' && ev.key === 'Backspace') {
      const points = ph.points.slice(0, -1);
      if (points.length === 0) return cancel(state);
      return { state: { ...state, phase: { ...ph, points } }, effects: [{ type: 'preview', points }] };
    }
  }
  return { state, effects: [] };
}

/** Clicking within a few screen pixels of the first vertex closes the polygon. */
function isNearFirst(ph: { points: Point[] }, ev: { p: Point; scale: number }): boolean {
  const first = ph.points[0];
  return Math.hypot(ev.p.x - first.x, ev.p.y - first.y) * ev.scale <= CLOSE_RADIUS;
}
