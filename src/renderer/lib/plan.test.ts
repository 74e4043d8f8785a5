import { expect, describe as group, it } from 'vitest';
import { fromBase64, toBase64 } from './base64.ts';
import { explain } from './errors.ts';
import { describe, planRemote } from './remote-plan.ts';
import type { EditCommand } from './types.ts';

group('remote plan', () => {
  it('groups label changes by target label and keeps masks in order', () => {
    const diff = { rect: { x: 0, y: 0, w: 1, h: 1 }, before: Uint8Array.of(0), after: Uint8Array.of(255) };
    const c: EditCommand = {
      kind: 'batch',
      commands: [
        { kind: 'label', imageId: 1, before: null, after: 'a' },
        { kind: 'label', imageId: 2, before: 'b', after: 'a' },
        { kind: 'label', imageId: 3, before: 'a', after: null },
        { kind: 'label', imageId: 4, before: 'a', after: 'a' },
        { kind: 'mask', imageId: 1, maskClass: 'lung', diff },
        { kind: 'label', imageId: 1, before: 'a', after: 'b' },
      ],
    };
    expect(planRemote(c)).toEqual([
      { op: 'set', label: 'a', imageIds: [1, 2] },
      { op: 'clear', imageIds: [3] },
      { op: 'mask', imageId: 1, maskClass: 'lung', rect: diff.rect, before: diff.before, after: diff.after },
      { op: 'set', label: 'b', imageIds: [1] },
    ]);
    expect(describe(c)).toBe('6 changes');
  });

  it('groups review flags and drops no-op changes', () => {
    const c: EditCommand = {
      kind: 'batch',
      commands: [
        { kind: 'review', imageId: 1, before: false, after: true },
        { kind: 'review', imageId: 2, before: false, after: true },
        { kind: 'review', imageId: 3, before: true, after: true },
        { kind: 'label', imageId: 3, before: 'a', after: 'a' },
      ],
    };
    expect(planRemote(c)).toEqual([{ op: 'review', needsReview: true, imageIds: [1, 2] }]);
  });

  it('a later label for the same image wins within one group', () => {
    const c: EditCommand = {
      kind: 'batch',
      commands: [
        { kind: 'label', imageId: 1, before: null, after: 'a' },
        { kind: 'label', imageId: 1, before: 'a', after: 'b' },
      ],
    };
    expect(planRemote(c)).toEqual([{ op: 'set', label: 'b', imageIds: [1] }]);
  });
});

group('base64 and errors', () => {
  it('round-trips large byte arrays', () => {
    const b = new Uint8Array(100_000).map((_, i) => (i * 7) & 255);
    expect(fromBase64(toBase64(b))).toEqual(b);
  });
  it('tells the user what to do', () => {
    expect(explain({ code: 'conflict', message: 'mask changed' }, 'save')).toMatch(
      /^Could not save: mask changed\. .*Reload/,
    );
    expect(explain(new TypeError('Failed to fetch'))).toMatch(/spcxr serve/);
  });
});
