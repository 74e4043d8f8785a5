/** Index of the positive class of a two-class task: the class that is not 'normal', else 1. */
export function positiveIndex(classes: string[]): number | null {
  if (classes.length !== 2) return null;
  const n = classes.findIndex((c) => /^(normal|no[ _-]?finding|negative)$/i.test(c));
  return n === 0 ? 1 : n === 1 ? 0 : 1;
}
