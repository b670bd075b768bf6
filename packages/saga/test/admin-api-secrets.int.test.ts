import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SagaDetailView, SagaStatus } from '../src/index.ts';
import { AdminWorld } from './support/admin-world.ts';

describe('saga secrets', () => {
  let world: AdminWorld;
  beforeAll(async () => {
    world = await AdminWorld.create();
    world.now = Date.now();
  });
  afterAll(() => world?.close());

  const outboxOf = (sagaId: string) =>
    world.db.selectFrom('outbox').selectAll().where('key', '=', sagaId).orderBy('id').execute();
  const logOf = (sagaId: string) =>
    world.db.selectFrom('saga_log').selectAll().where('saga_id', '=', sagaId).orderBy('seq').execute();
  const secretsRow = (sagaId: string) =>
    world.db.selectFrom('saga_secrets').selectAll().where('saga_id', '=', sagaId).executeTakeFirst();

  it('sends the secret to participants, also on a resend by the sweeper, and keeps it out of the data, the log and the admin API', async () => {
    const pin = `pin-${randomUUID()}`;
    const id = await world.start({ secrets: { pin } });
    await world.answer(id, 'success', { ref: 'A-1' });
    await world.relayed();
    world.now += 2_000; // beta's first resend is due: the sweeper resends its command
    expect(await world.orchestrator.sweepOnce()).toBe(1);

    const outbox = await outboxOf(id);
    expect(outbox.map((row) => [row.headers['saga-step'], row.payload])).toEqual([
      ['alpha', expect.objectContaining({ step: 'alpha', pin })],
      ['beta', expect.objectContaining({ step: 'beta', pin })],
      ['beta', expect.objectContaining({ step: 'beta', pin })],
    ]);
    const log = await logOf(id);
    expect(log.filter((row) => row.action === 'command').map((row) => [row.status, row.payload])).toEqual([
      ['sent', expect.objectContaining({ step: 'alpha', pin: '[redacted]' })],
      ['sent', expect.objectContaining({ step: 'beta', pin: '[redacted]' })],
      ['resent (attempt 2)', expect.objectContaining({ step: 'beta', pin: '[redacted]' })],
    ]);
    expect(JSON.stringify(log)).not.toContain(pin);
    const instance = await world.db.selectFrom('saga_instances').selectAll().where('id', '=', id).execute();
    expect(JSON.stringify(instance)).not.toContain(pin);

    const detail = await world.get(`/admin/sagas/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('[redacted]');
    expect(detail.body).not.toContain(pin);
    expect((await world.get('/admin/sagas')).body).not.toContain(pin);
  });

  it('forgets the secrets when the saga completes or is compensated, and keeps them while it waits in failed', async () => {
    const ended: [SagaStatus, boolean][] = [
      ['completed', false],
      ['compensated', false],
      ['failed', true],
    ];
    for (const [status, kept] of ended) {
      const id = await world.start({ secrets: { pin: `pin-${status}` } });
      expect(await secretsRow(id), status).toBeDefined();
      await world.drive(id, status);
      expect(await secretsRow(id), status).toEqual(
        kept ? { saga_id: id, secrets: { pin: `pin-${status}` } } : undefined,
      );
    }
  });

  it('redacts secret fields in log rows and data written before they were marked secret', async () => {
    const old = `pin-${randomUUID()}`;
    const id = await world.start();
    // What an earlier version wrote: the secret in the saga data and in a log payload, nested too.
    await world.db
      .updateTable('saga_instances')
      .set({ data: JSON.stringify({ subject: 'admin', amount: 1, pin: old }) })
      .where('id', '=', id)
      .execute();
    await world.db
      .insertInto('saga_log')
      .values({
        saga_id: id,
        seq: 100,
        step: 'alpha',
        action: 'reply',
        status: 'success',
        command_id: null,
        payload: JSON.stringify({ card: { pin: old }, lines: [{ pin: old }] }),
        error: null,
      })
      .execute();

    const response = await world.get(`/admin/sagas/${id}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(old);
    const saga = response.json<SagaDetailView>();
    expect(saga.data).toMatchObject({ pin: '[redacted]' });
    expect(saga.timeline.at(-1)?.payload).toEqual({
      card: { pin: '[redacted]' },
      lines: [{ pin: '[redacted]' }],
    });
  });
});
