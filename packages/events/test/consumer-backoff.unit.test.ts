import { describe, expect, it } from 'vitest';
import { backoffDelay, sleepUnlessAborted } from '../src/consumer/backoff.ts';

describe('backoff', () => {
  const policy = { initialBackoffMs: 100, maxBackoffMs: 1_000 };

  it('starts at the initial delay and doubles after each further failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((failures) => backoffDelay(failures, policy))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('stays at zero when the initial delay is zero, and never overflows for many failures', () => {
    expect(backoffDelay(3, { initialBackoffMs: 0, maxBackoffMs: 50 })).toBe(0);
    expect(backoffDelay(10_000, policy)).toBe(1_000);
  });

  it('a wait ends early and reports false when the stop signal fires', async () => {
    const controller = new AbortController();
    const began = Date.now();
    const waiting = sleepUnlessAborted(10_000, controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(await sleepUnlessAborted(1, new AbortController().signal)).toBe(true);
    expect(await sleepUnlessAborted(1, controller.signal)).toBe(false);
  });
});
