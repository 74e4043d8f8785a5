import { describe, expect, it } from 'vitest';
import { AnnotationTimer } from './annotation-timer.ts';
import { invert } from './history.ts';
import { planRemote } from './remote-plan.ts';

describe('annotation timer', () => {
  it('measures from the image shown to the label, only for the image on screen', () => {
    let t = 1000;
    const timer = new AnnotationTimer(() => t);
    timer.show(7);
    t = 3500;
    timer.show(7); // the same image again (a re-render) keeps its clock
    t = 4200;
    expect(timer.elapsed(7)).toBe(3200);
    expect(timer.elapsed(8)).toBeUndefined();
    timer.show(8);
    t = 5000;
    expect(timer.elapsed(8)).toBe(800);
    expect(timer.elapsed(7)).toBeUndefined();
  });

  it('sends the duration with a single label, never with its undo or a bulk label', () => {
    const c = { kind: 'label' as const, imageId: 3, before: null, after: 'normal', durationMs: 2100 };
    expect(planRemote(c)).toEqual([{ op: 'set', label: 'normal', imageIds: [3], durationMs: 2100 }]);
    expect(planRemote(invert(c))).toEqual([{ op: 'clear', imageIds: [3] }]);
    const redoOfUndo = invert(invert(c));
    expect(planRemote(redoOfUndo)).toEqual([{ op: 'set', label: 'normal', imageIds: [3] }]);
    const bulk = {
      kind: 'batch' as const,
      commands: [
        { kind: 'label' as const, imageId: 1, before: null, after: 'normal' },
        { kind: 'label' as const, imageId: 2, before: null, after: 'normal' },
      ],
    };
    expect(planRemote(bulk)).toEqual([{ op: 'set', label: 'normal', imageIds: [1, 2] }]);
  });
});
