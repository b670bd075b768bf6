import { createTokenVerifier, type TokenVerifier } from '@conveyor/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedTokenVerifier } from '../src/auth/token-cache.ts';
import { TEST_JWT, tokenFor } from './support/gateway-under-test.ts';

/** The shared verifier, counting the verifications it does. */
function countingVerifier() {
  const real = createTokenVerifier(TEST_JWT);
  const counted = { calls: 0 };
  const verify: TokenVerifier = (authorization) => {
    counted.calls++;
    return real(authorization);
  };
  return { counted, verify };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('gateway token cache', () => {
  it('verifies an accepted token once, then answers from memory until its exp', () => {
    // fast-jwt reads Date.now for exp: the fake clock moves the verifier and the cache together.
    vi.useFakeTimers({ toFake: ['Date'] });
    const issuedAt = Date.now();
    const { counted, verify } = countingVerifier();
    const cached = cachedTokenVerifier(verify, { now: Date.now });
    const header = `Bearer ${tokenFor('u-1', ['user'], { issuedAt, ttlSeconds: 60 })}`;

    expect(cached(header)).toEqual({ ok: true, identity: { userId: 'u-1', roles: ['user'] } });
    expect(cached(header)).toEqual({ ok: true, identity: { userId: 'u-1', roles: ['user'] } });
    expect(counted.calls).toBe(1);

    // At its exp the token is verified again, and refused as expired.
    vi.setSystemTime(issuedAt + 61_000);
    expect(cached(header)).toMatchObject({ ok: false, reason: 'expired' });
    expect(cached(header)).toMatchObject({ ok: false, reason: 'expired' });
    expect(counted.calls).toBe(3);
  });

  it('checks a refused token every time and never remembers it', () => {
    const { counted, verify } = countingVerifier();
    const cached = cachedTokenVerifier(verify, { now: Date.now });
    const forged = `Bearer ${tokenFor('u-1', ['admin'], { secret: 'x'.repeat(32) })}`;
    expect(cached(forged)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(cached(forged)).toMatchObject({ ok: false, reason: 'invalid-signature' });
    expect(cached(undefined)).toMatchObject({ ok: false, reason: 'missing-token' });
    expect(counted.calls).toBe(3);
  });

  it('keeps at most maxEntries tokens, dropping the least recently used', () => {
    const { counted, verify } = countingVerifier();
    const cached = cachedTokenVerifier(verify, { now: Date.now, maxEntries: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => `Bearer ${tokenFor(sub)}`);
    for (const header of [a, b, a, c]) cached(header);
    expect(counted.calls).toBe(3);
    // a was used after b, so b went when c came.
    cached(a);
    cached(c);
    expect(counted.calls).toBe(3);
    cached(b);
    expect(counted.calls).toBe(4);
  });
});
