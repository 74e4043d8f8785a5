/**
 * The keyboard map: one table drives both the key handler and the `?` help overlay, so the
 * overlay can never drift from what the keys do.
 */

export type Action =
  | 'help'
  | 'undo'
  | 'redo'
  | 'next'
  | 'prev'
  | 'alNext'
  | 'fit'
  | 'oneToOne'
  | 'invert'
  | 'brush'
  | 'eraser'
  | 'fill'
  | 'polygon'
  | 'lasso'
  | 'pan'
  | 'maskMode'
  | 'sizeUp'
  | 'sizeDown'
  | 'outline'
  | 'opacityUp'
  | 'opacityDown'
  | 'accept'
  | 'reject'
  | 'skip'
  | 'unsure'
  | 'preset'
  | 'grid'
  | 'clearLabel'
  | 'review'
  | 'close'
  | `label${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;

export interface Shortcut {
  keys: string[];
  action: Action;
  help: string;
  scope: 'global' | 'editor' | 'grid';
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ['?'], action: 'help', help: 'Show or hide this help', scope: 'global' },
  { keys: ['Ctrl+z', 'Meta+z'], action: 'undo', help: 'Undo (pixels and labels)', scope: 'global' },
  { keys: ['Ctrl+y', 'Ctrl+Shift+z', 'Meta+Shift+z'], action: 'redo', help: 'Redo', scope: 'global' },
  {
    keys: ['1…9'],
    action: 'label1',
    help: 'Set image label 1–9 (selected images in the grid)',
    scope: 'global',
  },
  { keys: ['0'], action: 'clearLabel', help: 'Remove the image label', scope: 'global' },
  {
    keys: ['v'],
    action: 'review',
    help: 'Flag or unflag for review (selected images in the grid)',
    scope: 'global',
  },
  { keys: ['ArrowRight', 'j'], action: 'next', help: 'Next image', scope: 'editor' },
  { keys: ['ArrowLeft', 'k'], action: 'prev', help: 'Previous image', scope: 'editor' },
  { keys: ['n'], action: 'alNext', help: 'Next suggested by active learning', scope: 'global' },
  { keys: ['a'], action: 'accept', help: 'Accept the suggestion', scope: 'editor' },
  { keys: ['r'], action: 'reject', help: 'Reject the suggestion', scope: 'editor' },
  { keys: ['s'], action: 'skip', help: 'Skip the suggestion (it comes back later)', scope: 'editor' },
  {
    keys: ['u'],
    action: 'unsure',
    help: 'Unsure / not applicable: out of the queue, flagged for review',
    scope: 'editor',
  },
  { keys: ['f'], action: 'fit', help: 'Fit image to window', scope: 'editor' },
  { keys: ['z'], action: 'oneToOne', help: 'Zoom 1:1', scope: 'editor' },
  { keys: ['i'], action: 'invert', help: 'Invert grey scale', scope: 'editor' },
  { keys: ['w'], action: 'preset', help: 'Next window preset', scope: 'editor' },
  { keys: ['m'], action: 'maskMode', help: 'Edit mask on / off (off = view: drag pans)', scope: 'editor' },
  { keys: ['b'], action: 'brush', help: 'Brush (switches mask editing on)', scope: 'editor' },
  { keys: ['e'], action: 'eraser', help: 'Eraser', scope: 'editor' },
  { keys: ['g'], action: 'fill', help: 'Fill', scope: 'editor' },
  { keys: ['p'], action: 'polygon', help: 'Polygon (Alt: subtract; Enter closes)', scope: 'editor' },
  { keys: ['l'], action: 'lasso', help: 'Lasso (Alt: subtract)', scope: 'editor' },
  {
    keys: ['h'],
    action: 'pan',
    help: 'View / pan: mask editing off (or hold Space, or middle drag)',
    scope: 'editor',
  },
  { keys: [']'], action: 'sizeUp', help: 'Bigger brush', scope: 'editor' },
  { keys: ['['], action: 'sizeDown', help: 'Smaller brush (down to 1 pixel)', scope: 'editor' },
  { keys: ['o'], action: 'outline', help: 'Mask outline / filled', scope: 'editor' },
  { keys: ['.'], action: 'opacityUp', help: 'More mask opacity', scope: 'editor' },
  { keys: [','], action: 'opacityDown', help: 'Less mask opacity', scope: 'editor' },
  {
    keys: ['Escape'],
    action: 'close',
    help: 'Cancel the shape, close the dialog or go back to the grid',
    scope: 'global',
  },
];

/** Canonical chord for a keyboard event: modifiers in fixed order, then the key. */
export function chord(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): string {
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const printable = e.key.length === 1 && !/[a-z]/i.test(e.key);
  const mods = [
    e.ctrlKey && 'Ctrl',
    e.metaKey && 'Meta',
    e.altKey && 'Alt',
    e.shiftKey && !printable && 'Shift',
  ].filter(Boolean);
  return [...mods, key].join('+');
}

/** Resolves a chord to an action; digits map to label actions. */
export function actionFor(c: string, scope: 'editor' | 'grid'): Action | null {
  if (/^[1-9]$/.test(c)) return `label${Number(c) as 1}`;
  for (const s of SHORTCUTS) {
    if (s.scope !== 'global' && s.scope !== scope) continue;
    if (s.keys.includes(c)) return s.action;
  }
  return null;
}
