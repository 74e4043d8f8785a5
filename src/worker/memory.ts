import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full collection after a job, so the worker's RSS returns to near its idle size. `--expose-gc` cannot be passed to an Electron utilityProcess,
 * so the flag is set at run time and `gc` taken from a fresh context (documented V8 behaviour).
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  if (!gc) return;
  gc();
  // Array buffers are released by a task after the collection; a second pass a moment later
  // returns their pages to the OS (measured: 563 → 555 MB right after, 74 MB after this).
  setTimeout(() => gc?.(), 300).unref();
}
