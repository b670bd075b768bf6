import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/upstreams/circuit-breaker.ts';

function breaker(options = { failureThreshold: 3, openMs: 1_000, probeTimeoutMs: 500 }) {
  const time = { now: 0 };
  return { time, breaker: new CircuitBreaker(options, () => time.now) };
}

const fail = (b: CircuitBreaker, times: number) => {
  for (let i = 0; i < times; i++) b.onFailure();
};

describe('circuit breaker', () => {
  it('stays closed below the threshold and lets everything through', () => {
    const { breaker: b } = breaker();
    fail(b, 2);
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    fail(b, 2);
    expect(b.state).toBe('closed');
  });

  it('opens after the threshold of consecutive failures and refuses at once', () => {
    const { breaker: b, time } = breaker();
    fail(b, 3);
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    time.now = 400;
    expect(b.msUntilProbe()).toBe(600);
  });

  it('lets one probe through when half-open; its success closes the circuit', () => {
    const { breaker: b, time } = breaker();
    fail(b, 3);
    time.now = 1_000;
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.onSuccess();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('opens again for a full period when the probe fails', () => {
    const { breaker: b, time } = breaker();
    fail(b, 3);
    time.now = 1_000;
    expect(b.tryAcquire()).toBe(true);
    b.onFailure();
    expect(b.state).toBe('open');
    time.now = 1_999;
    expect(b.tryAcquire()).toBe(false);
    time.now = 2_000;
    expect(b.tryAcquire()).toBe(true);
  });

  it('lets another probe through when the first never reported', () => {
    const { breaker: b, time } = breaker();
    fail(b, 3);
    time.now = 1_000;
    expect(b.tryAcquire()).toBe(true);
    time.now = 1_499;
    expect(b.tryAcquire()).toBe(false);
    time.now = 1_500;
    expect(b.tryAcquire()).toBe(true);
  });

  it('ignores failures that arrive while open (requests sent before it opened)', () => {
    const { breaker: b, time } = breaker();
    fail(b, 3);
    time.now = 900;
    fail(b, 5);
    time.now = 1_000;
    expect(b.state).toBe('half-open');
  });

  it('gives the probe slot back when the probe was never sent, and changes nothing else', () => {
    const { breaker: b, time } = breaker();
    fail(b, 3);
    time.now = 1_000;
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.release();
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    b.onSuccess();
    b.release();
    expect(b.state).toBe('closed');
  });
});
