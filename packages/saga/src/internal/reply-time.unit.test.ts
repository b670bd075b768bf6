import { describe, expect, it } from 'vitest';
import { ReplyTimeEstimator } from './reply-time.ts';

describe('the reply time of a step (RFC 6298 smoothing)', () => {
  it('knows nothing before the first reply, then expects the reply time plus twice itself', () => {
    const estimator = new ReplyTimeEstimator(60_000);
    expect(estimator.expectedMs('reserve')).toBeUndefined();
    estimator.observe('reserve', 100);
    expect(estimator.expectedMs('reserve')).toBe(300);
    expect(estimator.expectedMs('charge')).toBeUndefined();
  });

  it('follows a queue that grows, and comes back down when it drains', () => {
    const estimator = new ReplyTimeEstimator(60_000);
    for (let i = 0; i < 20; i++) estimator.observe('reserve', 50);
    const idle = estimator.expectedMs('reserve') ?? 0;
    expect(idle).toBeLessThan(100);
    for (let i = 0; i < 20; i++) estimator.observe('reserve', 8_000);
    expect(estimator.expectedMs('reserve')).toBeGreaterThan(8_000);
    for (let i = 0; i < 60; i++) estimator.observe('reserve', 50);
    expect(estimator.expectedMs('reserve')).toBeLessThan(200);
  });

  it('never expects more than its bound', () => {
    const estimator = new ReplyTimeEstimator(30_000);
    estimator.observe('confirm', 10 * 60_000);
    expect(estimator.expectedMs('confirm')).toBe(30_000);
  });
});
