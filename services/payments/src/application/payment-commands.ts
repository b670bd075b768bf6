import type { StoredEvent } from '@conveyor/events';
import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { PaymentsDatabase } from '../db/tables.ts';
import type { Deps } from '../deps.ts';
import type { ChargeRequest } from '../domain/fake-provider.ts';
import {
  type PaymentCommand,
  type PaymentEvent,
  type PaymentState,
  paymentDecider,
  paymentStreamId,
} from '../domain/payment.ts';
import { type MessageCause, paymentMessage } from './payment-messages.ts';

/** What a charge came to: the order's payment (new or the earlier one), or the provider's refusal. */
export type ChargeOutcome =
  | { outcome: 'charged'; paymentId: string; alreadyCharged: boolean }
  | { outcome: 'declined'; reason: string };

/**
 * What a refund came to: `refunded: false` when there was nothing (left) to refund; `voided` when
 * the order had no charge, so that one arriving later is refused.
 */
export interface RefundOutcome {
  refunded: boolean;
  voided: boolean;
  paymentId: string | null;
}

type Trx = Transaction<PaymentsDatabase>;

/**
 * Charges an order once: a second charge of the same order answers with the first payment.
 * Throws the decider's refusals (PAYMENTS_INVALID_CHARGE, PAYMENTS_ALREADY_REFUNDED) before writing.
 */
export async function chargePayment(
  deps: Deps,
  request: ChargeRequest,
  cause: MessageCause = {},
  trx?: Trx,
): Promise<ChargeOutcome> {
  const command: PaymentCommand = {
    type: 'ChargePayment',
    data: request,
    metadata: { paymentId: deps.newId(), now: deps.clock().toISOString() },
  };
  const { state, events } = await handle(deps, command, cause, trx);
  const declined = events.find((e) => e.type === 'PaymentDeclined');
  if (declined) return { outcome: 'declined', reason: declined.data.reason };
  if (state.status !== 'charged') {
    throw new Error(`charge of order ${request.orderId} left it ${state.status}`);
  }
  return { outcome: 'charged', paymentId: state.paymentId, alreadyCharged: events.length === 0 };
}

/**
 * Refunds an order's charge; a no-op when it is refunded already. An order never charged is
 * voided instead (a tombstone in its stream): its charge may still be on its way, and must not bill
 * an order the saga has cancelled.
 */
export async function refundPayment(
  deps: Deps,
  orderId: string,
  cause: MessageCause = {},
  trx?: Trx,
): Promise<RefundOutcome> {
  const command: PaymentCommand = {
    type: 'RefundPayment',
    data: { orderId },
    metadata: { now: deps.clock().toISOString() },
  };
  const { state, events } = await handle(deps, command, cause, trx);
  return {
    refunded: events.some((e) => e.type === 'PaymentRefunded'),
    voided: events.some((e) => e.type === 'PaymentVoided'),
    paymentId: 'paymentId' in state ? state.paymentId : null,
  };
}

/**
 * Load, decide, append, in one transaction (the caller's, when given): the events, their
 * messages and the payments row commit together.
 */
async function handle(
  deps: Deps,
  command: PaymentCommand,
  cause: MessageCause,
  trx: Trx | undefined,
): Promise<{ state: PaymentState; events: PaymentEvent[] }> {
  if (!trx) return deps.db.transaction().execute((t) => handle(deps, command, cause, t));
  const decider = paymentDecider(deps.provider);
  const streamId = paymentStreamId(command.data.orderId);
  // Serialises the commands of one order. A row lock cannot: before the first charge there is no
  // row, and a decline never writes one. Without it, concurrent charges would both decide to charge
  // and one would fail on the stream version, to be retried by the consumer; this way it waits
  // and then sees the charge.
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${streamId}, 0))`.execute(trx);
  const { state, version } = await deps.store.aggregateStream(
    streamId,
    {
      initialState: decider.initialState,
      evolve: (current: PaymentState, event: StoredEvent) =>
        decider.evolve(current, event as unknown as PaymentEvent),
    },
    trx,
  );
  const events = decider.decide(command, state);
  if (events.length === 0) return { state, events };
  await deps.store.append(
    {
      streamId,
      expectedVersion: version,
      events: events.map(({ type, data }) => ({ type, data })),
      messages: events.flatMap((event) => paymentMessage(deps.topics.paymentsEvents, event, cause) ?? []),
    },
    trx,
  );
  const log = cause.correlationId ? deps.logger.child({ correlationId: cause.correlationId }) : deps.logger;
  for (const event of events) await project(deps, trx, event, log);
  return { state: events.reduce(decider.evolve, state), events };
}

/**
 * The payments table follows the stream in the same transaction. Counters and logs follow the
 * writes: a transaction that then fails to commit is retried by the consumer and counts twice,
 * which a counter of decisions can live with.
 */
async function project(deps: Deps, trx: Trx, event: PaymentEvent, log: Logger): Promise<void> {
  switch (event.type) {
    case 'PaymentCharged': {
      const { data } = event;
      await trx
        .insertInto('payments')
        .values({
          id: data.paymentId,
          order_id: data.orderId,
          user_id: data.userId,
          amount_cents: data.amountCents,
          currency: data.currency,
          status: 'charged',
          provider_ref: data.providerRef,
          charged_at: data.chargedAt,
        })
        .execute();
      deps.counters.charged.inc();
      log.info({ orderId: data.orderId, paymentId: data.paymentId }, 'payment charged');
      return;
    }
    case 'PaymentDeclined':
      deps.counters.declined.inc();
      log.info({ orderId: event.data.orderId, reason: event.data.reason }, 'payment declined');
      return;
    case 'PaymentRefunded':
      await trx
        .updateTable('payments')
        .set({ status: 'refunded', refunded_at: event.data.refundedAt })
        .where('order_id', '=', event.data.orderId)
        .execute();
      deps.counters.refunded.inc();
      log.info({ orderId: event.data.orderId, paymentId: event.data.paymentId }, 'payment refunded');
      return;
    case 'PaymentVoided':
      deps.counters.voided.inc();
      log.info(
        { orderId: event.data.orderId },
        'refund before any charge: the order can no longer be charged',
      );
      return;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
}
