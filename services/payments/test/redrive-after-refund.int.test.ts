import { randomUUID } from 'node:crypto';
import { deadLetterTopic, listDeadLetters, redriveDeadLetters } from '@conveyor/events';
import { DISK_FULL_ERROR, refuseWrites } from '@conveyor/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentStreamId } from '../src/domain/payment.ts';
import { chargeData, eventually, ParticipantWorld, replyData } from './support/payments-world.ts';

/**
 * A charge command that kept failing went to the dead-letter topic; the saga, hearing nothing
 * before the step's deadline, compensated with a refund; then an operator re-drove the dead
 * letters. The re-driven charge must be refused: the order is cancelled and must not be billed.
 */
describe('a charge re-driven from the dead-letter topic after its saga was compensated', () => {
  let world: ParticipantWorld;
  beforeAll(async () => {
    world = await ParticipantWorld.create();
  });
  afterAll(() => world?.close());

  const db = () => world.deps.db;

  const charges = () => world.deps.metrics.getSingleMetricAsString('payments_charged_total');

  it('answers the re-driven charge with a failure and charges nothing', async () => {
    const { kafka } = world.deps;
    const dlq = deadLetterTopic(world.topics.paymentsCommands);
    const data = chargeData();
    const sagaId = randomUUID();
    const chargedBefore = await charges();

    // The database refuses to record payments, as on a full disk: the charge fails, it is not refused.
    const repairPaymentWrites = await refuseWrites(db(), 'payments', 'INSERT');
    const chargeId = await world.send('payments.charge', data, { sagaId });
    const [letter] = await eventually(
      'the charge command in the dead-letter topic',
      async () => {
        const letters = await listDeadLetters({ kafka, topic: dlq, timeoutMs: 10_000 });
        return letters.length > 0 && letters;
      },
      30_000,
    );
    expect(letter).toMatchObject({
      messageId: chargeId,
      messageType: 'payments.charge',
      consumer: 'payments-participant',
      attempts: 5,
      error: DISK_FULL_ERROR,
    });
    expect(world.repliesTo(chargeId)).toEqual([]);
    await repairPaymentWrites();

    // The step's deadline passed with no reply: the saga compensates the step whose outcome it does not know.
    const refund = await world.request('payments.refund', { orderId: data.orderId }, { sagaId });
    expect(replyData(refund)).toEqual({ refunded: false, voided: true, paymentId: null });

    // The operator re-drives the dead letters (what `npm run dlq -- redrive --topic …` runs).
    const redrive = await redriveDeadLetters({ kafka, topic: dlq, timeoutMs: 20_000 });
    expect(redrive).toMatchObject({ redriven: 1, byTopic: { [world.topics.paymentsCommands]: 1 } });

    const reply = await world.reply(chargeId);
    expect(reply.data).toMatchObject({
      sagaId,
      step: 'charge-payment',
      action: 'command',
      outcome: 'failure',
      reason: `order ${data.orderId} was refunded before its charge arrived; a cancelled order is not charged`,
    });
    expect(
      await db().selectFrom('payments').selectAll().where('order_id', '=', data.orderId).execute(),
    ).toEqual([]);
    const stream = await world.deps.store.readStream(paymentStreamId(data.orderId));
    expect(stream.map((e) => e.type)).toEqual(['PaymentVoided']);
    expect(await charges()).toBe(chargedBefore);
    expect(
      await db().selectFrom('outbox').select('message_type').where('key', '=', data.orderId).execute(),
    ).toEqual([]);
  });

  it('still charges other orders once the database is back', async () => {
    const reply = await world.request('payments.charge', chargeData());
    expect(reply.data.outcome).toBe('success');
  });
});
