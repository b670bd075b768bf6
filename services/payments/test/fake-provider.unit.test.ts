import { describe, expect, it } from 'vitest';
import {
  type ChargeRequest,
  createFakeProvider,
  DEFAULT_USER_LIMIT_CENTS,
  TEST_CARD_TOKENS,
} from '../src/domain/fake-provider.ts';

const request = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  orderId: '8b6c1d2e-3f40-4a5b-9c6d-7e8f9a0b1c2d',
  userId: '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
  amountCents: 4_999,
  currency: 'EUR',
  cardToken: TEST_CARD_TOKENS.approve,
  ...overrides,
});

describe('fake provider', () => {
  const provider = createFakeProvider();

  it('approves a charge with a reference derived from the order, the same every time', () => {
    const first = provider.authorize(request());
    expect(first).toEqual({ approved: true, providerRef: 'fake_ch_8b6c1d2e3f404a5b9c6d7e8f9a0b1c2d' });
    expect(provider.authorize(request({ cardToken: 'tok_anything', amountCents: 1 }))).toEqual(first);
    expect(provider.authorize(request({ orderId: 'other' }))).not.toEqual(first);
  });

  it('declines the decline test token whatever the amount', () => {
    expect(provider.authorize(request({ cardToken: TEST_CARD_TOKENS.decline }))).toEqual({
      approved: false,
      reason: 'card declined',
    });
    expect(TEST_CARD_TOKENS.decline).toBe('tok_decline');
  });

  it('declines an amount above the per-user limit, naming the amount, the limit and the user', () => {
    expect(DEFAULT_USER_LIMIT_CENTS).toBe(100_000);
    expect(provider.authorize(request({ amountCents: 123_456 }))).toEqual({
      approved: false,
      reason: 'amount 123456 exceeds the limit of 100000 for user 1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9',
    });
  });

  it('approves an amount exactly at the limit and declines one cent more', () => {
    expect(provider.authorize(request({ amountCents: 100_000 })).approved).toBe(true);
    expect(provider.authorize(request({ amountCents: 100_001 })).approved).toBe(false);
  });

  it('applies the configured limit', () => {
    const strict = createFakeProvider({ userLimitCents: 500 });
    expect(strict.authorize(request({ amountCents: 500 })).approved).toBe(true);
    expect(strict.authorize(request({ amountCents: 501 }))).toMatchObject({
      approved: false,
      reason: expect.stringContaining('exceeds the limit of 500'),
    });
  });

  it.each([0, -100, 1.5])('declines a non-positive or fractional amount (%s)', (amountCents) => {
    expect(provider.authorize(request({ amountCents }))).toEqual({
      approved: false,
      reason: `amount ${amountCents} is not a positive number of cents`,
    });
  });
});
