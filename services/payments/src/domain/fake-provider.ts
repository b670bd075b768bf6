/**
 * Card tokens the fake provider understands. Any token other than `decline` is approved (within
 * the user's limit); `approve` is simply the one to use when a test wants to say so.
 *
 * - `tok_visa`: approved (up to the per-user limit).
 * - `tok_decline`: always declined with the reason "card declined", to make a saga compensate on purpose.
 */
export const TEST_CARD_TOKENS = {
  approve: 'tok_visa',
  decline: 'tok_decline',
} as const;

/** 1000.00 EUR: charges above it are declined (PAYMENTS_USER_LIMIT_CENTS). */
export const DEFAULT_USER_LIMIT_CENTS = 100_000;

/** What the provider is asked to authorise. */
export interface ChargeRequest {
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  cardToken: string;
}

export type ProviderDecision = { approved: true; providerRef: string } | { approved: false; reason: string };

/** A card processor, reduced to the one decision the service needs from it. */
export interface PaymentProvider {
  authorize(request: ChargeRequest): ProviderDecision;
}

export interface FakeProviderOptions {
  /** Largest amount one charge may have, per user. @default DEFAULT_USER_LIMIT_CENTS */
  userLimitCents?: number;
}

/**
 * A deterministic stand-in for a card processor: the same request always gets the same answer
 * (and the same reference), so tests and demos can trigger a decline, and with it a saga's
 * compensation, on purpose. The limit applies to each charge, the same for every user.
 */
export function createFakeProvider(options: FakeProviderOptions = {}): PaymentProvider {
  const limit = options.userLimitCents ?? DEFAULT_USER_LIMIT_CENTS;
  return {
    authorize(request) {
      if (!Number.isInteger(request.amountCents) || request.amountCents <= 0) {
        return { approved: false, reason: `amount ${request.amountCents} is not a positive number of cents` };
      }
      if (request.cardToken === TEST_CARD_TOKENS.decline) return { approved: false, reason: 'card declined' };
      if (request.amountCents > limit) {
        return {
          approved: false,
          reason: `amount ${request.amountCents} exceeds the limit of ${limit} for user ${request.userId}`,
        };
      }
      return { approved: true, providerRef: providerReference(request.orderId) };
    },
  };
}

/** The provider's id of an order's charge: derived from the order, so a retried charge gets the same one. */
export const providerReference = (orderId: string) => `fake_ch_${orderId.replaceAll('-', '')}`;
