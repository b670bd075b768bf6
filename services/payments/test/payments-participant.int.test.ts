import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargePayment } from '../src/application/payment-commands.ts';
import { TEST_CARD_TOKENS } from '../src/domain/fake-provider.ts';
import { paymentStreamId } from '../src/domain/payment.ts';
import { chargeData, eventually, ParticipantWorld, replyData } from './support/payments-world.ts';

/** The real participant and relay on a fresh database, driven over Kafka as the orchestrator does. */
describe('payments saga participant', () => {
  let world: ParticipantWorld;
  beforeAll(async () => {
    world = await ParticipantWorld.create();
  });
  afterAll(() => world?.close());

  const rows = (orderId: string) =>
    world.deps.db.selectFrom('payments').selectAll().where('order_id', '=', orderId).execute();
  const streamTypes = async (orderId: string) =>
    (await world.deps.store.readStream(paymentStreamId(orderId))).map((e) => e.type);

  it('charges an order: success with the payment id, a row and payments.charged', async () => {
    const data = chargeData({ amountCents: 4_999 });
    const sagaId = randomUUID();
    const reply = await world.request('payments.charge', data, { sagaId });

    expect(reply.data).toMatchObject({
      sagaId,
      step: 'charge-payment',
      action: 'command',
      outcome: 'success',
    });
    expect(reply.key).toBe(sagaId);
    expect(reply.headers['correlation-id']).toBe(`corr-${sagaId}`);
    const { paymentId } = replyData(reply) as { paymentId: string };
    expect(paymentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await rows(data.orderId)).toEqual([
      expect.objectContaining({ id: paymentId, status: 'charged', amount_cents: '4999', currency: 'EUR' }),
    ]);
    const event = await eventually('payments.charged', () =>
      world.eventsOf(data.orderId).find((e) => e.type === 'payments.charged'),
    );
    expect(event.data).toEqual({
      paymentId,
      orderId: data.orderId,
      userId: data.userId,
      amountCents: 4_999,
      currency: 'EUR',
      chargedAt: expect.any(String),
    });
    expect(event.headers['correlation-id']).toBe(`corr-${sagaId}`);
  });

  it('refuses the decline token with the reason, records payments.declined and charges nothing', async () => {
    const data = chargeData({ cardToken: TEST_CARD_TOKENS.decline });
    const reply = await world.request('payments.charge', data);

    expect(reply.data).toMatchObject({ outcome: 'failure', reason: 'card declined' });
    expect(await rows(data.orderId)).toEqual([]);
    expect(await streamTypes(data.orderId)).toEqual(['PaymentDeclined']);
    const event = await eventually('payments.declined', () =>
      world.eventsOf(data.orderId).find((e) => e.type === 'payments.declined'),
    );
    expect(event.data).toMatchObject({ orderId: data.orderId, reason: 'card declined' });
  });

  it('refuses an amount over the per-user limit', async () => {
    const data = chargeData({ amountCents: 123_456 });
    const reply = await world.request('payments.charge', data);

    expect(reply.data.outcome).toBe('failure');
    expect(reply.data.reason).toBe(`amount 123456 exceeds the limit of 100000 for user ${data.userId}`);
    expect(await rows(data.orderId)).toEqual([]);
  });

  it('refuses a malformed command with a failure naming the field, not a dead letter', async () => {
    const reply = await world.request('payments.charge', chargeData({ orderId: 'order-42' }));
    expect(reply.data).toMatchObject({ outcome: 'failure', reason: 'orderId must be a UUID' });
  });

  it('applies a redelivered command once and replies once', async () => {
    const data = chargeData();
    const sagaId = randomUUID();
    const commandId = await world.send('payments.charge', data, { sagaId });
    await world.reply(commandId);
    await world.send('payments.charge', data, { sagaId, commandId });
    // Same key, so same partition: once the later command is answered, the duplicate was handled.
    await world.request('payments.refund', { orderId: randomUUID() }, { sagaId });

    expect(world.repliesTo(commandId)).toHaveLength(1);
    expect(await rows(data.orderId)).toHaveLength(1);
    expect(await streamTypes(data.orderId)).toEqual(['PaymentCharged']);
  });

  it('charges an order once for two different commands, answering both with the same payment', async () => {
    const data = chargeData();
    const first = await world.request('payments.charge', data);
    const second = await world.request('payments.charge', data);

    expect(first.data.outcome).toBe('success');
    expect(second.data.outcome).toBe('success');
    expect(replyData(second)).toEqual(replyData(first));
    expect(await rows(data.orderId)).toHaveLength(1);
    expect(await streamTypes(data.orderId)).toEqual(['PaymentCharged']);
  });

  it('refunds a charge once: row refunded, payments.refunded, and a second refund is a no-op', async () => {
    const data = chargeData();
    const sagaId = randomUUID();
    const charged = await world.request('payments.charge', data, { sagaId });
    const { paymentId } = replyData(charged) as { paymentId: string };

    const refund = await world.request('payments.refund', { orderId: data.orderId }, { sagaId });
    expect(refund.data).toMatchObject({ outcome: 'success', action: 'compensation' });
    expect(replyData(refund)).toEqual({ refunded: true, voided: false, paymentId });
    expect(await rows(data.orderId)).toEqual([
      expect.objectContaining({ status: 'refunded', refunded_at: expect.any(Date) }),
    ]);
    const event = await eventually('payments.refunded', () =>
      world.eventsOf(data.orderId).find((e) => e.type === 'payments.refunded'),
    );
    expect(event.data).toEqual({
      paymentId,
      orderId: data.orderId,
      amountCents: 2_500,
      refundedAt: expect.any(String),
    });

    const again = await world.request('payments.refund', { orderId: data.orderId }, { sagaId });
    expect(again.data.outcome).toBe('success');
    expect(replyData(again)).toEqual({ refunded: false, voided: false, paymentId });
    const recharge = await world.request('payments.charge', data, { sagaId });
    expect(recharge.data).toMatchObject({
      outcome: 'failure',
      reason: expect.stringContaining('was refunded'),
    });
    expect(await streamTypes(data.orderId)).toEqual(['PaymentCharged', 'PaymentRefunded']);
  });

  it('answers a refund of an order never charged with success, charging nothing and leaving a tombstone', async () => {
    const orderId = randomUUID();
    const reply = await world.request('payments.refund', { orderId });

    expect(reply.data).toMatchObject({ outcome: 'success', action: 'compensation' });
    expect(replyData(reply)).toEqual({ refunded: false, voided: true, paymentId: null });
    expect(await rows(orderId)).toEqual([]);
    expect(await streamTypes(orderId)).toEqual(['PaymentVoided']);
  });

  it('refuses a charge delivered after the refund of its order: no charge, no payment event', async () => {
    const data = chargeData();
    const sagaId = randomUUID();
    const refund = await world.request('payments.refund', { orderId: data.orderId }, { sagaId });
    expect(replyData(refund)).toEqual({ refunded: false, voided: true, paymentId: null });
    const charged = await world.deps.metrics.getSingleMetricAsString('payments_charged_total');

    // The late copy of the command the saga gave up on (its deadline passed, so it compensated).
    const late = await world.request('payments.charge', data, { sagaId });
    expect(late.data).toMatchObject({
      sagaId,
      action: 'command',
      outcome: 'failure',
      reason: `order ${data.orderId} was refunded before its charge arrived; a cancelled order is not charged`,
    });
    expect(await rows(data.orderId)).toEqual([]);
    expect(await streamTypes(data.orderId)).toEqual(['PaymentVoided']);
    expect(await world.deps.metrics.getSingleMetricAsString('payments_charged_total')).toBe(charged);
    // Nothing for payments.events in the outbox: other services learn of no charge.
    const published = await world.deps.db
      .selectFrom('outbox')
      .select('message_type')
      .where('key', '=', data.orderId)
      .execute();
    expect(published).toEqual([]);
  });

  it('charges once when 20 sagas charge the same order at the same time', async () => {
    const data = chargeData();
    const commandIds = await Promise.all(
      Array.from({ length: 20 }, () => world.send('payments.charge', data)),
    );
    const replies = await Promise.all(commandIds.map((id) => world.reply(id, 25_000)));

    expect(replies.map((r) => r.data.outcome)).toEqual(Array(20).fill('success'));
    expect(new Set(replies.map((r) => (replyData(r) as { paymentId: string }).paymentId)).size).toBe(1);
    expect(await rows(data.orderId)).toHaveLength(1);
    expect(await streamTypes(data.orderId)).toEqual(['PaymentCharged']);
  });

  it('charges once when 20 transactions charge the same order in parallel (the per-order lock)', async () => {
    // The participant handles a partition at a time; this drives the application layer directly,
    // so the 20 transactions really overlap.
    const data = chargeData();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => chargePayment(world.deps, data)));

    const paymentIds = new Set(outcomes.map((o) => (o.outcome === 'charged' ? o.paymentId : o.reason)));
    expect(paymentIds.size).toBe(1);
    expect(outcomes.filter((o) => o.outcome === 'charged' && !o.alreadyCharged)).toHaveLength(1);
    expect(await rows(data.orderId)).toHaveLength(1);
    expect(await streamTypes(data.orderId)).toEqual(['PaymentCharged']);
  });
});
