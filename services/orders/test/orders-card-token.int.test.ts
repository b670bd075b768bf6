import { randomUUID } from 'node:crypto';
import { bearer } from '@conveyor/http/testing';
import { sagaView } from '@conveyor/saga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, address, knownUser, productA } from './support/orders-http-kit.ts';
import { createOrdersWorld, type OrdersWorld } from './support/orders-world.ts';

describe('orders: the card token is a saga secret', () => {
  let world: OrdersWorld;
  let a: string;
  const token = `tok_secret_${randomUUID().replaceAll('-', '')}`;
  beforeAll(async () => {
    world = await createOrdersWorld();
    a = await knownUser(world);
  });
  afterAll(() => world.close());

  const sagaRows = async (sagaId: string) => ({
    instance: await world.deps.db.selectFrom('saga_instances').selectAll().where('id', '=', sagaId).execute(),
    log: await world.deps.db
      .selectFrom('saga_log')
      .selectAll()
      .where('saga_id', '=', sagaId)
      .orderBy('seq')
      .execute(),
  });
  const charges = (sagaId: string) =>
    world.deps.db
      .selectFrom('outbox')
      .select('payload')
      .where('key', '=', sagaId)
      .where('message_type', '=', 'payments.charge')
      .orderBy('id')
      .execute();

  it('reaches payments in the charge command (resends too) and nowhere in the saga data, log or admin API', async () => {
    const placed = await world.app.inject({
      method: 'POST',
      url: '/orders',
      payload: {
        items: [{ productId: productA, quantity: 1 }],
        shippingAddress: address,
        paymentToken: token,
      },
      headers: bearer(a),
    });
    expect(placed.statusCode, placed.body).toBe(202);
    const { sagaId } = placed.json();
    const saga = await world.orchestrator.store.load(sagaView(world.deps.db), sagaId);
    const reserve = saga?.state.steps[0];
    await world.orchestrator.receiveReply({
      sagaId,
      step: 'reserve-inventory',
      action: 'command',
      commandId: reserve?.commandId ?? '',
      outcome: 'success',
      data: { totalCents: 1999, currency: 'EUR' },
      reason: null,
    });
    // What the relay does once it has sent them (none runs here): the sweeper resends only what
    // has left the outbox.
    await world.deps.db
      .updateTable('outbox')
      .set({ published_at: new Date() })
      .where('published_at', 'is', null)
      .execute();
    world.advance(12_001); // past the charge's first resend (10 s ± 20 %): the sweeper resends it
    expect(await world.orchestrator.sweepOnce()).toBeGreaterThan(0);

    expect(await charges(sagaId)).toEqual([
      { payload: expect.objectContaining({ userId: a, amountCents: 1999, cardToken: token }) },
      { payload: expect.objectContaining({ cardToken: token }) },
    ]);
    const { instance, log } = await sagaRows(sagaId);
    expect(instance[0]?.data).toMatchObject({ cardTokenLast4: token.slice(-4) });
    expect(JSON.stringify(instance)).not.toContain(token);
    expect(JSON.stringify(log)).not.toContain(token);
    expect(log.filter((row) => row.step === 'charge-payment' && row.action === 'command')).toEqual([
      expect.objectContaining({
        status: 'sent',
        payload: expect.objectContaining({ cardToken: '[redacted]' }),
      }),
      expect.objectContaining({
        status: 'resent (attempt 2)',
        payload: expect.objectContaining({ cardToken: '[redacted]' }),
      }),
    ]);

    const detail = await world.app.inject({ method: 'GET', url: `/admin/sagas/${sagaId}`, headers: ADMIN });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(token);
    expect(detail.json().data).toMatchObject({ cardTokenLast4: token.slice(-4) });
    const list = await world.app.inject({ method: 'GET', url: '/admin/sagas', headers: ADMIN });
    expect(list.body).not.toContain(token);
  });

  it('redacts the token in log rows written before it became a secret', async () => {
    const placed = await world.app.inject({
      method: 'POST',
      url: '/orders',
      payload: { items: [{ productId: productA, quantity: 1 }], shippingAddress: address },
      headers: bearer(a),
    });
    const { sagaId } = placed.json();
    const old = `tok_old_${randomUUID().replaceAll('-', '')}`;
    // What the saga log of a saga started before the change held: the token in its data and its charge.
    const seq = (await sagaRows(sagaId)).log.length;
    await world.deps.db
      .insertInto('saga_log')
      .values([
        {
          saga_id: sagaId,
          seq: seq + 1,
          step: null,
          action: 'saga',
          status: 'running',
          command_id: null,
          payload: JSON.stringify({ orderId: 'o', paymentToken: old }),
          error: null,
        },
        {
          saga_id: sagaId,
          seq: seq + 2,
          step: 'charge-payment',
          action: 'command',
          status: 'sent',
          command_id: null,
          payload: JSON.stringify({ orderId: 'o', cardToken: old }),
          error: null,
        },
      ])
      .execute();

    const detail = await world.app.inject({ method: 'GET', url: `/admin/sagas/${sagaId}`, headers: ADMIN });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(old);
    expect(
      detail
        .json()
        .timeline.slice(-2)
        .map((row: { payload: unknown }) => row.payload),
    ).toEqual([
      { orderId: 'o', paymentToken: '[redacted]' },
      { orderId: 'o', cardToken: '[redacted]' },
    ]);
  });
});
