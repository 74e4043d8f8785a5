/**
 * The contract client over a service in the same process (CLI, tests). Replies go through
 * JSON like on the wire, so anything that would not survive IPC or HTTP fails here too.
 */
import { EventHub, unwrapReply } from './client.ts';
import type { ApiClient, EventName } from './contract.ts';
import { ApiError } from './contract.ts';
import type { ApiService } from './service.ts';
import type { Reply } from './wire.ts';

/** Runs one request and returns the wire reply (shared by the IPC and HTTP servers). */
export async function invokeToReply(service: ApiService, name: string, params: unknown): Promise<Reply> {
  try {
    const result = await service.invoke(name as never, params);
    return { ok: true, result };
  } catch (e) {
    return { ok: false, error: ApiError.from(e).toBody() };
  }
}

export function createInProcessClient(service: ApiService): ApiClient {
  const hub = new EventHub();
  const off = service.on('*', (payload, event: EventName) =>
    hub.dispatch(event, JSON.parse(JSON.stringify(payload))),
  );
  return {
    async invoke(name, ...args) {
      const params = JSON.parse(JSON.stringify(args[0] ?? {}));
      const reply = await invokeToReply(service, name, params);
      return unwrapReply(name, JSON.parse(JSON.stringify(reply)));
    },
    on: (event, listener) => hub.on(event, listener),
    close: off,
  };
}
