import { createHash } from 'node:crypto';
import type { SagaOrchestrator } from '@conveyor/saga';
import type { Transaction } from 'kysely';
import type { OrdersDatabase } from '../db/tables.ts';
import type { OrdersDeps } from '../deps.ts';
import { idempotencyKeyReused, userNotFound } from '../domain/errors.ts';
import type { OrderLine, ShippingAddress } from '../domain/order.ts';
import { CREATE_ORDER_SAGA, type CreateOrderSagaData } from './create-order.saga.ts';
import { executeOrderCommand } from './order-writes.ts';

export interface CreateOrderInput {
  userId: string;
  items: OrderLine[];
  shippingAddress: ShippingAddress;
  /** The fake provider's card token. @default 'tok_visa' */
  paymentToken?: string;
  idempotencyKey?: string;
  correlationId: string;
}

export interface CreateOrderResult {
  orderId: string;
  sagaId: string;
  /** True when an earlier request with the same Idempotency-Key created the order. */
  replayed: boolean;
}

/**
 * Places an order and starts its saga in one transaction: the Idempotency-Key row, the order's
 * events and outbox message, its read-model row, the saga instance and its first command.
 */
export function createOrder(deps: OrdersDeps, orchestrator: SagaOrchestrator, input: CreateOrderInput) {
  return deps.db.transaction().execute(async (trx): Promise<CreateOrderResult> => {
    const orderId = deps.newId();
    const sagaId = deps.newId();
    if (input.idempotencyKey) {
      const earlier = await claimKey(trx, input, orderId, sagaId);
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
    const data: CreateOrderSagaData = {
      orderId,
      userId: input.userId,
      items: input.items,
      paymentToken: input.paymentToken ?? 'tok_visa',
    };
    await orchestrator.start(CREATE_ORDER_SAGA, data, { sagaId, correlationId: input.correlationId }, trx);
    return { orderId, sagaId, replayed: false };
  });
}

/**
 * Claims the key for this request. The primary key serialises two requests with one key: the
 * second waits for the first to commit, then finds its row. Same body → the earlier order; a
 * different body → 409.
 */
async function claimKey(
  trx: Transaction<OrdersDatabase>,
  input: CreateOrderInput,
  orderId: string,
  sagaId: string,
) {
  const key = input.idempotencyKey as string;
  const requestHash = hashRequest(input);
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({ key, request_hash: requestHash, order_id: orderId, saga_id: sagaId })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return undefined;
  const earlier = await trx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (earlier.request_hash !== requestHash) throw idempotencyKeyReused(key);
  return { orderId: earlier.order_id, sagaId: earlier.saga_id };
}

function hashRequest(input: CreateOrderInput): string {
  const { userId, items, shippingAddress, paymentToken } = input;
  return createHash('sha256')
    .update(JSON.stringify({ userId, items, shippingAddress, paymentToken: paymentToken ?? 'tok_visa' }))
    .digest('hex');
}
