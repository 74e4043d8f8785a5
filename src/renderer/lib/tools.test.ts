import { describe, expect, it } from 'vitest';
import { type Effect, initialTool, type ToolEvent, type ToolState, transition } from './tools.ts';

const down = (x: number, y: number, o: Partial<Extract<ToolEvent, { type: 'down' }>> = {}): ToolEvent => ({
  type: 'down',
  p: { x, y },
  s: { x: x * 2, y: y * 2 },
  button: 0,
  alt: false,
  space: false,
  scale: 2,
  ...o,
});
const move = (x: number, y: number): ToolEvent => ({ type: 'move', p: { x, y }, s: { x: x * 2, y: y * 2 } });
const up = (x: number, y: number): ToolEvent => ({ type: 'up', p: { x, y }, s: { x: x * 2, y: y * 2 } });

function run(s: ToolState, events: ToolEvent[]): { state: ToolState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const e of events) {
    const t = transition(s, e);
    s = t.state;
    effects.push(...t.effects);
  }
  return { state: s, effects };
}

describe('tool state machine', () => {
  it('a brush stroke is begin, paints, commit — one transaction', () => {
    const { state, effects } = run(initialTool('brush'), [down(1, 1), move(2, 1), move(3, 2), up(3, 2)]);
    expect(state.phase.kind).toBe('idle');
    expect(effects.map((e) => e.type)).toEqual(['begin', 'paint', 'paint', 'paint', 'commit']);
    expect(effects[3]).toEqual({ type: 'paint', from: { x: 2, y: 1 }, to: { x: 3, y: 2 }, erase: false });
  });

  it('the eraser paints with erase set; moves without a press do nothing', () => {
    const { effects } = run(initialTool('eraser'), [move(5, 5), down(1, 1), up(1, 1)]);
    expect(effects[1]).toMatchObject({ type: 'paint', erase: true });
    expect(effects).toHaveLength(3);
  });

  it('right drag windows and middle drag pans, in any tool', () => {
    const w = run(initialTool('polygon'), [down(0, 0, { button: 2 }), move(5, 3), up(5, 3)]);
    expect(w.effects).toEqual([{ type: 'window', dx: 10, dy: 6 }]);
    const p = run(initialTool('brush'), [down(0, 0, { button: 1 }), move(1, 1), up(1, 1)]);
    expect(p.effects).toEqual([{ type: 'pan', dx: 2, dy: 2 }]);
    const sp = run(initialTool('brush'), [down(0, 0, { space: true }), move(1, 0)]);
    expect(sp.effects).toEqual([{ type: 'pan', dx: 2, dy: 0 }]);
  });

  it('polygon: clicks add vertices, clicking near the first closes, Alt subtracts', () => {
    const { state, effects } = run(initialTool('polygon'), [
      down(0, 0, { alt: true }),
      down(10, 0),
      down(10, 10),
      down(0.5, 0.5),
    ]);
    expect(state.phase.kind).toBe('idle');
    const region = effects.find((e) => e.type === 'region');
    expect(region).toEqual({
      type: 'region',
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 10 },
      ],
      subtract: true,
    });
  });

  it('polygon: Enter or double-click closes, Backspace drops a vertex, Escape cancels', () => {
    const enter = run(initialTool('polygon'), [
      down(0, 0),
      down(10, 0),
      down(10, 10),
      { type: 'key', key: 'Enter' },
    ]);
    expect(enter.effects.some((e) => e.type === 'region')).toBe(true);
    const back = run(initialTool('polygon'), [
      down(0, 0),
      down(10, 0),
      down(10, 10),
      { type: 'key', key: 'Backspace' },
      { type: 'dblclick' },
    ]);
    expect(back.effects.some((e) => e.type === 'region')).toBe(false);
    const esc = run(initialTool('polygon'), [
      down(0, 0),
      down(10, 0),
      down(10, 10),
      { type: 'key', key: 'Escape' },
    ]);
    expect(esc.state.phase.kind).toBe('idle');
    expect(esc.effects.at(-1)).toEqual({ type: 'preview', points: null });
  });

  it('lasso: drag then release fills the traced region', () => {
    const { effects } = run(initialTool('lasso'), [down(0, 0), move(10, 0), move(10, 10), up(0, 10)]);
    expect(effects.at(-1)).toEqual({
      type: 'region',
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 10 },
        { x: 0, y: 10 },
      ],
      subtract: false,
    });
  });

  it('switching tools mid-stroke commits the stroke', () => {
    const { state, effects } = run(initialTool('brush'), [down(1, 1), { type: 'select', tool: 'fill' }]);
    expect(state).toEqual({ tool: 'fill', phase: { kind: 'idle' } });
    expect(effects.at(-1)).toEqual({ type: 'commit' });
    expect(run(state, [down(4, 4)]).effects).toEqual([{ type: 'fill', at: { x: 4, y: 4 } }]);
  });
});
