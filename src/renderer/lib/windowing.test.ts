import { describe, expect, it } from 'vitest';
import { defaultWindow, dragWindow, modalityRange } from './windowing.ts';

describe('default window', () => {
  const rg15 = {
    windows: [{ center: 15000, width: 30000 }],
    storedRange: [0, 32767] as [number, number],
    rescaleSlope: 1,
    rescaleIntercept: 0,
  };

  it("is the file's first window, so a first drag on a 15-bit image stays near it", () => {
    const w = defaultWindow(rg15);
    expect(w).toEqual({ center: 15000, width: 30000 });
    const dragged = dragWindow(w, 10, 10, modalityRange(rg15).width);
    expect(Math.abs(dragged.center - 15000)).toBeLessThan(1000);
    expect(Math.abs(dragged.width - 30000)).toBeLessThan(1000);
  });

  it('is min–max of the modality values without a file window (signed CT with rescale)', () => {
    const ct = {
      windows: [],
      storedRange: [-2000, 2000] as [number, number],
      rescaleSlope: 1,
      rescaleIntercept: -1024,
    };
    expect(defaultWindow(ct)).toEqual({ center: -1023.5, width: 4001 });
  });
});
