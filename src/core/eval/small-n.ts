import type { EvalWarning } from './types.ts';

/** Below this many images of a class, a sensitivity or AUC moves by ±0.1 or more between samples. */
export const SMALL_CLASS = 30;

export function smallNWarning(nPerClass: Record<string, number>, what: string): EvalWarning | null {
  const small = Object.entries(nPerClass).filter(([, n]) => n < SMALL_CLASS);
  if (!small.length) return null;
  return {
    code: 'small-n',
    message:
      `${what} has only ${small.map(([c, n]) => `${n} ${c}`).join(' and ')} image${small.length === 1 && small[0][1] === 1 ? '' : 's'}` +
      `${small.some(([, n]) => n === 0) ? ' (a figure for a class without images cannot be measured at all)' : ''}: ` +
      `with fewer than ${SMALL_CLASS} per class the figures can move by 0.1 or more on other images; read the interval, not the number.`,
    details: { nPerClass },
  };
}
