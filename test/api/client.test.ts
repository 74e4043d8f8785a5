import { describe, expect, it } from 'vitest';
import { createHttpClient, unwrapReply } from '../../src/core/api/client.ts';
import { ApiError } from '../../src/core/api/contract.ts';

describe('HTTP client', () => {
  it('turns an unreachable server into an ApiError that says what to do', async () => {
    const c = createHttpClient({ baseUrl: 'http://127.0.0.1:1' });
    const e = await c.invoke('project.info').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toMatch(/cannot reach the SPCXR server.*spcxr serve/);
  });

  it('refuses replies that do not match the contract', () => {
    expect(() => unwrapReply('settings.get', { ok: true, result: { retrainEvery: 'x' } })).toThrow(
      /does not match/,
    );
    expect(() => unwrapReply('settings.get', { nonsense: 1 })).toThrow(/malformed reply/);
    const e = (() => {
      try {
        unwrapReply('settings.get', { ok: false, error: { code: 'conflict', message: 'm' } });
      } catch (x) {
        return x as ApiError;
      }
    })();
    expect(e?.code).toBe('conflict');
  });
});
