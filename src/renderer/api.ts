/** The one API client of the renderer: Electron preload bridge when present, else `spcxr serve`. */
import { createDefaultClient } from '../core/api/client.ts';

export const api = createDefaultClient();
export type { ApiClient } from '../core/api/contract.ts';
