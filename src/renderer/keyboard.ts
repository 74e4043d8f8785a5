/**
 * Keyboard dispatch: the App owns the one keydown listener and asks the active view first,
 * so a key does one thing at a time. Views register a handler while mounted.
 */
import type { Action } from './lib/shortcuts.ts';

type Handler = (a: Action) => boolean;
let viewHandler: Handler | null = null;

export function setViewKeys(h: Handler | null): void {
  viewHandler = h;
}

export function dispatchView(a: Action): boolean {
  return viewHandler ? viewHandler(a) : false;
}

/** Typing in a field must not trigger shortcuts (except Escape, which leaves the field). */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  const tag = t.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable;
}
