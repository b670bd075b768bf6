import { describe, expect, it } from 'vitest';
import { RoundRobinBalancer } from '../src/upstreams/balancer.ts';

const A = 'http://a:1';
const B = 'http://b:1';
const C = 'http://c:1';

function balancer(urls = [A, B, C], options = { ejectAfterFailures: 2, ejectCooldownMs: 1_000 }) {
  const time = { now: 0 };
  return { time, balancer: new RoundRobinBalancer(urls, options, () => time.now) };
}

const picks = (b: RoundRobinBalancer, n: number) => Array.from({ length: n }, () => b.pick());

describe('round-robin balancer with passive health', () => {
  it('takes the instances in turn', () => {
    const { balancer: b } = balancer();
    expect(picks(b, 5)).toEqual([A, B, C, A, B]);
  });

  it('skips the instances a request already tried, and says when none is left', () => {
    const { balancer: b } = balancer();
    expect(b.pick(new Set([A]))).toBe(B);
    expect(b.pick(new Set([A, B]))).toBe(C);
    expect(b.pick(new Set([A, B, C]))).toBeUndefined();
  });

  it('says whether another instance could be picked, without moving the rotation on', () => {
    const { balancer: b, time } = balancer([A, B]);
    expect(b.canPick(new Set([A]))).toBe(true);
    b.recordFailure(B);
    b.recordFailure(B);
    expect(b.canPick(new Set([A]))).toBe(false);
    time.now += 1_000;
    expect(b.canPick(new Set([A]))).toBe(true);
    expect(picks(b, 2)).toEqual([A, B]);
  });

  it('ejects an instance after the configured consecutive failures, not before', () => {
    const { balancer: b } = balancer();
    expect(b.recordFailure(B)).toBe(false);
    expect(picks(b, 3)).toEqual([A, B, C]);
    expect(b.recordFailure(B)).toBe(true);
    expect(picks(b, 4)).toEqual([A, C, A, C]);
    expect(b.snapshot().find((i) => i.url === B)).toMatchObject({
      available: false,
      ejectedUntil: 1_000,
      ejections: 1,
    });
  });

  it('counts consecutive failures only: a success in between starts over', () => {
    const { balancer: b } = balancer();
    b.recordFailure(A);
    b.recordSuccess(A);
    expect(b.recordFailure(A)).toBe(false);
    expect(b.snapshot()[0]).toMatchObject({ available: true, consecutiveFailures: 1 });
  });

  it('takes an ejected instance back after the cool-down, on probation', () => {
    const { balancer: b, time } = balancer();
    b.recordFailure(A);
    b.recordFailure(A);
    time.now = 999;
    expect(b.snapshot()[0]?.available).toBe(false);
    time.now = 1_000;
    expect(b.snapshot()[0]).toMatchObject({ available: true, onProbation: true, ejectedUntil: null });
    // One failure on probation is enough to eject it again.
    expect(b.recordFailure(A)).toBe(true);
    expect(b.snapshot()[0]).toMatchObject({ available: false, ejectedUntil: 2_000, ejections: 2 });
    time.now = 2_000;
    b.recordSuccess(A);
    expect(b.snapshot()[0]).toMatchObject({ onProbation: false, consecutiveFailures: 0 });
    expect(b.recordFailure(A)).toBe(false);
  });

  it('ignores failures reported for an instance already ejected (requests sent before)', () => {
    const { balancer: b, time } = balancer();
    b.recordFailure(A);
    b.recordFailure(A);
    time.now = 500;
    expect(b.recordFailure(A)).toBe(false);
    expect(b.snapshot()[0]?.ejectedUntil).toBe(1_000);
  });

  it('when every instance is ejected, still offers the one ejected longest ago (panic), and says when the first comes back', () => {
    const { balancer: b, time } = balancer([A, B]);
    b.recordFailure(A);
    b.recordFailure(A);
    expect(b.pick()).toBe(B);
    time.now = 300;
    b.recordFailure(B);
    b.recordFailure(B);
    expect(b.ejected()).toEqual([A, B]);
    expect(b.pick()).toBe(A);
    expect(b.pick(new Set([A]))).toBe(B);
    expect(b.pick(new Set([A, B]))).toBeUndefined();
    expect(b.canPick(new Set([A]))).toBe(true);
    expect(b.canPick(new Set([A, B]))).toBe(false);
    expect(b.msUntilRecovery()).toBe(700);
    time.now = 1_000;
    expect(b.msUntilRecovery()).toBeUndefined();
    expect(b.pick()).toBe(A);
  });

  it('never panics while one instance is in the rotation: the ejected one gets no traffic', () => {
    const { balancer: b } = balancer([A, B]);
    b.recordFailure(B);
    b.recordFailure(B);
    expect(picks(b, 4)).toEqual([A, A, A, A]);
    expect(b.pick(new Set([A]))).toBeUndefined();
    expect(b.canPick(new Set([A]))).toBe(false);
  });

  it('readmits an ejected instance before its cool-down when told it is ready, on probation', () => {
    const { balancer: b, time } = balancer([A, B]);
    b.recordFailure(A);
    b.recordFailure(A);
    expect(b.ejected()).toEqual([A]);
    time.now = 100;
    expect(b.readmit(A)).toBe(true);
    expect(b.ejected()).toEqual([]);
    expect(picks(b, 2).sort()).toEqual([A, B]);
    expect(b.snapshot()[0]).toMatchObject({ available: true, onProbation: true, consecutiveFailures: 0 });
    // Probation: a single failure takes it out again.
    expect(b.recordFailure(A)).toBe(true);
    expect(b.readmit(B)).toBe(false);
  });

  it('refuses an empty instance list', () => {
    expect(() => new RoundRobinBalancer([], {}, () => 0)).toThrow(/at least one instance/);
  });
});
