import { createHash } from 'node:crypto';
import type { SagaOrchestrator } from '@conveyor/saga';
import type { OrdersDeps } from '../deps.ts';
import { userNotFound } from '../domain/errors.ts';
import type { OrderLine, ShippingAddress } from '../domain/order.ts';
import {
  CREATE_ORDER_SAGA,
  type CreateOrderSagaStart,
  type CreateOrderSecrets,
} from './create-order.saga.ts';
import { claimIdempotencyKey } from './idempotency-keys.ts';
import { executeOrderCommand } from './order-writes.ts';

export interface CreateOrderInput {
  /** The caller (the token's sub): an order is always placed by and for its user. */
  userId: string;
  items: OrderLine[];
  shippingAddress: ShippingAddress;
  /** The fake provider's card token. @default 'tok_visa' */
  paymentToken?: string;
  /** Scoped to the caller. */
  idempotencyKey?: string;
  correlationId: string;
}

export interface CreateOrderResult {
  orderId: string;
  sagaId: string;
  /** True when an earlier request of the caller with the same Idempotency-Key created the order. */
  replayed: boolean;
}

export interface CreateOrderPolicy {
  /** How long the caller's Idempotency-Key answers with this order. */
  idempotencyKeyTtlSeconds: number;
}

// User records are keyed by their owner's sub in this form (the users service refuses others).
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Places an order and starts its saga in one transaction: the Idempotency-Key row, the order's
 * events and outbox message, its read-model row, the saga instance and its first command. The
 * card token travels as a saga secret: the charge command carries it, the saga data keeps only
 * its last four characters.
 */
export function createOrder(
  deps: OrdersDeps,
  orchestrator: SagaOrchestrator,
  input: CreateOrderInput,
  policy: CreateOrderPolicy,
) {
  // No user record can have another id; the uuid column would refuse the comparison besides.
  if (!CANONICAL_UUID.test(input.userId)) throw userNotFound(input.userId);
  return deps.db.transaction().execute(async (trx): Promise<CreateOrderResult> => {
    const orderId = deps.newId();
    const sagaId = deps.newId();
    const cardToken = input.paymentToken ?? 'tok_visa';
    if (input.idempotencyKey) {
      const earlier = await claimIdempotencyKey(trx, {
        userId: input.userId,
        key: input.idempotencyKey,
        requestHash: hashRequest(input, cardToken),
        orderId,
        sagaId,
        now: deps.clock(),
        ttlSeconds: policy.idempotencyKeyTtlSeconds,
      });
      if (earlier) return { ...earlier, replayed: true };
    }
    const user = await trx
      .selectFrom('order_users')
      .select('user_id')
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    if (!user) throw userNotFound(input.userId);

    const now = deps.clock().toISOString();
    await executeOrderCommand(
      deps,
      trx,
      {
        type: 'PlaceOrder',
        data: {
          orderId,
          userId: input.userId,
          sagaId,
          items: input.items,
          shippingAddress: input.shippingAddress,
        },
        metadata: { now },
      },
      { correlationId: input.correlationId },
    );
    const data: CreateOrderSagaStart = {
      orderId,
      userId: input.userId,
      items: input.items,
      cardTokenLast4: cardToken.slice(-4),
    };
    const secrets: CreateOrderSecrets = { cardToken };
    await orchestrator.start(
      CREATE_ORDER_SAGA,
      data,
      { sagaId, correlationId: input.correlationId, secrets },
      trx,
    );
    return { orderId, sagaId, replayed: false };
  });
}

/** The same shape as before keys were per caller, so keys claimed before the upgrade still replay. */
function hashRequest(input: CreateOrderInput, paymentToken: string): string {
  const { userId, items, shippingAddress } = input;
  return createHash('sha256')
    .update(JSON.stringify({ userId, items, shippingAddress, paymentToken }))
    .digest('hex');
}
