import { type ConsumerRunner, causedBy } from '@conveyor/events';
import { type CommandHandler, createSagaParticipant, type ParticipantResult } from '@conveyor/saga';
import { groupName, type MessageTypes } from '@conveyor/schemas';
import { chargePayment, refundPayment } from '../application/payment-commands.ts';
import type { PaymentsDatabase } from '../db/tables.ts';
import type { Deps } from '../deps.ts';
import { isPaymentsRefusal } from '../domain/errors.ts';

/** Inbox scope and consumer group of the participant. */
export const PAYMENTS_PARTICIPANT = 'payments-participant';

/**
 * The payments side of the create-order saga: `payments.charge` answers `{ paymentId }` or a
 * failure with the reason (a decline, a malformed command, a refunded or voided order);
 * `payments.refund` (its compensation) always succeeds. A refund that finds no charge voids the
 * order, so a charge arriving after it (late, or re-driven from the dead-letter topic) is refused.
 * Commands are deduped by id (the inbox) and charges by order as well (the decider).
 */
export function createPaymentsParticipant(deps: Deps): ConsumerRunner<PaymentsDatabase> {
  const charge: CommandHandler<PaymentsDatabase, MessageTypes, 'payments.charge'> = async (command, trx) =>
    refusalsAsFailures(async () => {
      const result = await chargePayment(deps, command.data, causedBy(command), trx);
      // A decline is a failure of the step, recorded (payments.declined) in this same transaction.
      return result.outcome === 'charged'
        ? { outcome: 'success', data: { paymentId: result.paymentId } }
        : { outcome: 'failure', reason: result.reason };
    });

  const refund: CommandHandler<PaymentsDatabase, MessageTypes, 'payments.refund'> = async (command, trx) => {
    const { orderId } = command.data;
    const result = await refundPayment(deps, orderId, causedBy(command), trx);
    return { outcome: 'success', data: result };
  };

  return createSagaParticipant<PaymentsDatabase, MessageTypes>({
    kafka: deps.kafka,
    db: deps.db,
    codec: deps.codec,
    name: PAYMENTS_PARTICIPANT,
    groupId: groupName(deps.config.topicNamespace, PAYMENTS_PARTICIPANT),
    commandsTopic: deps.topics.paymentsCommands,
    repliesTopic: deps.topics.sagaReplies,
    handlers: { 'payments.charge': charge, 'payments.refund': refund },
    logger: deps.logger,
  });
}

/**
 * The decider refuses before anything is written, so its typed refusals can be answered as a
 * failure in the same transaction. Anything else (the database, a bug) is thrown: the runner
 * retries it and then dead-letters the command.
 */
async function refusalsAsFailures<Reply>(
  run: () => Promise<ParticipantResult<Reply>>,
): Promise<ParticipantResult<Reply>> {
  try {
    return await run();
  } catch (error) {
    if (isPaymentsRefusal(error)) return { outcome: 'failure', reason: error.message };
    throw error;
  }
}
