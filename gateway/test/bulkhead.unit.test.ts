import { describe, expect, it } from 'vitest';
import { Bulkhead } from '../src/upstreams/bulkhead.ts';

describe('bulkhead', () => {
  it('lets `limit` requests in, refuses the next, and has room again after a release', () => {
    const bulkhead = new Bulkhead(2);
    expect([bulkhead.tryAcquire(), bulkhead.tryAcquire(), bulkhead.tryAcquire()]).toEqual([
      true,
      true,
      false,
    ]);
    expect(bulkhead.inFlight).toBe(2);
    bulkhead.release();
    expect(bulkhead.tryAcquire()).toBe(true);
  });

  it('never counts below zero', () => {
    const bulkhead = new Bulkhead(1);
    bulkhead.release();
    expect(bulkhead.inFlight).toBe(0);
    expect(bulkhead.tryAcquire()).toBe(true);
    expect(bulkhead.tryAcquire()).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the limit %s', (limit) => {
    expect(() => new Bulkhead(limit)).toThrow(/integer >= 1/);
  });
});
