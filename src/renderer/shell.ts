/**
 * What only the desktop shell offers (native pickers, menu commands), through the preload
 * bridge; in a browser these are absent and the UI falls back to typed paths and shortcuts.
 */
import type { SpcxrBridge } from '../core/api/wire.ts';

export const bridge: SpcxrBridge | undefined = (globalThis as { spcxr?: SpcxrBridge }).spcxr;
