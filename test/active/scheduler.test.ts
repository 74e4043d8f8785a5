import { describe, expect, it } from 'vitest';
import { RetrainScheduler } from '../../src/core/active/scheduler.ts';
import type { RetrainRequest, SchedulerEvent } from '../../src/core/active/types.ts';

/** A retrain whose completion the test controls. */
function gate() {
  const calls: RetrainRequest[] = [];
  const releases: Array<() => void> = [];
  const retrain = (req: RetrainRequest, signal: AbortSignal) => {
    calls.push(req);
    return new Promise<{ modelId: string }>((resolve, reject) => {
      releases.push(() => resolve({ modelId: `m${calls.length}` }));
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  };
  return { calls, releases, retrain };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RetrainScheduler', () => {
  it('retrains after every N labels without blocking the caller', async () => {
    const g = gate();
    const s = new RetrainScheduler({ task: 'classify', everyN: 3, retrain: g.retrain });
    s.labelAdded();
    s.labelAdded();
    await tick();
    expect(g.calls).toHaveLength(0);
    s.labelAdded();
    // labelAdded returned before any training work started.
    expect(g.calls).toHaveLength(0);
    expect(s.state().running).toBe(true);
    await tick();
    expect(g.calls).toEqual([{ task: 'classify', newLabels: 3, reason: 'threshold' }]);
    g.releases[0]();
    await s.idle();
    expect(s.state()).toMatchObject({
      running: false,
      completed: 1,
      pendingLabels: 0,
      lastOutcome: { modelId: 'm1' },
    });
  });

  it('coalesces requests made while a retrain runs into exactly one follow-up', async () => {
    const g = gate();
    const events: SchedulerEvent['type'][] = [];
    const s = new RetrainScheduler({
      task: 'segment',
      everyN: 2,
      retrain: g.retrain,
      onEvent: (e) => events.push(e.type),
    });
    s.labelAdded(2);
    await tick();
    for (let i = 0; i < 7; i++) s.labelAdded();
    expect(s.state().queued).toBe(true);
    g.releases[0]();
    await tick();
    await tick();
    expect(g.calls).toHaveLength(2);
    expect(g.calls[1].newLabels).toBe(7);
    g.releases[1]();
    await s.idle();
    expect(g.calls).toHaveLength(2);
    expect(events.filter((e) => e === 'coalesced').length).toBeGreaterThan(0);
    expect(events.filter((e) => e === 'finished')).toHaveLength(2);
  });

  it('records a failed retrain and keeps scheduling; stop() aborts the running one', async () => {
    let n = 0;
    const s = new RetrainScheduler({
      task: 'classify',
      everyN: 1,
      retrain: async (_r, signal) => {
        n++;
        if (n === 1) throw new Error('out of memory');
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
        return {};
      },
    });
    s.labelAdded();
    await s.idle();
    expect(s.state().lastError).toBe('out of memory');
    s.retrainNow();
    await tick();
    await tick();
    expect(s.state().running).toBe(true);
    await s.stop();
    expect(s.state()).toMatchObject({ running: false, lastError: 'aborted', completed: 0 });
    s.labelAdded(5);
    expect(s.state().running).toBe(false);
  });

  it('rejects a bad N', () => {
    expect(() => new RetrainScheduler({ task: 'classify', everyN: 0, retrain: async () => ({}) })).toThrow(
      /everyN/,
    );
  });
});
