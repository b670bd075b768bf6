import { handleCommand } from '@conveyor/events';
import { sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { PaymentsDatabase } from '../db/tables.ts';
import type { Deps } from '../deps.ts';
import type { ChargeRequest } from '../domain/fake-provider.ts';
import {
  needsAuthorization,
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
 * The provider is asked here, under the order's lock and only when the order can be charged, and
 * its answer goes into the command: the decider stays pure.
 */
export async function chargePayment(
  deps: Deps,
  request: ChargeRequest,
  cause: MessageCause = {},
  trx?: Trx,
): Promise<ChargeOutcome> {
  const paymentId = deps.newId();
  const now = deps.clock().toISOString();
  const { state, events } = await handle(deps, request.orderId, cause, trx, (current) => ({
    type: 'ChargePayment',
    data: request,
    metadata: {
      paymentId,
      now,
      authorization: needsAuthorization(request, current) ? deps.provider.authorize(request) : undefined,
    },
  }));
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
  const now = deps.clock().toISOString();
  const { state, events } = await handle(deps, orderId, cause, trx, () => ({
    type: 'RefundPayment',
    data: { orderId },
    metadata: { now },
  }));
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
function handle(
  deps: Deps,
  orderId: string,
  cause: MessageCause,
  trx: Trx | undefined,
  command: (state: PaymentState) => PaymentCommand,
): Promise<{ state: PaymentState; events: PaymentEvent[] }> {
  const streamId = paymentStreamId(orderId);
  const log = cause.correlationId ? deps.logger.child({ correlationId: cause.correlationId }) : deps.logger;
  return handleCommand(deps.store, trx ?? deps.db, {
    streamId,
    decider: paymentDecider,
    command,
    // Serialises the commands of one order. A row lock cannot: before the first charge there is no
    // row, and a decline never writes one. Without it, concurrent charges would both decide to
    // charge and one would fail on the stream version; this way it waits and then sees the charge.
    beforeLoad: async (t) => {
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${streamId}, 0))`.execute(t);
    },
    messages: (event) => {
      const message = paymentMessage(deps.topics.paymentsEvents, event, cause);
      return message ? [message] : [];
    },
    project: async (t, { state, events }) => {
      for (const event of events) await project(deps, t, event, log);
      return { state, events };
    },
  });
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
