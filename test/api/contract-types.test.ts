import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, REQUEST_NAMES } from '../../src/core/api/channels.ts';
import { eventSchemas, requestSchemas } from '../../src/core/api/schemas.ts';

describe('contract', () => {
  it('lists exactly the requests and events that have schemas', () => {
    expect([...REQUEST_NAMES].sort()).toEqual(Object.keys(requestSchemas).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(eventSchemas).sort());
  });

  it('fills defaults and rejects unknown or malformed params', () => {
    expect(requestSchemas['images.list'].params.parse({})).toMatchObject({
      sort: 'imported',
      offset: 0,
      limit: 200,
    });
    expect(() => requestSchemas['images.list'].params.parse({ limit: 0 })).toThrow();
    expect(() =>
      requestSchemas['labels.set'].params.parse({ imageIds: [1], label: 'x', extra: 1 }),
    ).toThrow();
    expect(() => requestSchemas['labels.set'].params.parse({ imageIds: ['../etc'], label: 'x' })).toThrow();
    expect(requestSchemas['masks.get'].params.parse({ imageId: 3 })).toEqual({
      imageId: 3,
      maskClass: 'lung',
    });
  });
});

/** Compile-time checks (tsc runs over tests): params may be omitted only where none are required. */
function typeChecks(c: import('../../src/core/api/contract.ts').ApiClient) {
  void c.invoke('project.info');
  void c.invoke('images.list');
  // @ts-expect-error labels.set needs params
  void c.invoke('labels.set');
  void c.invoke('labels.set', { imageIds: [1], label: 'normal' });
}
void typeChecks;
