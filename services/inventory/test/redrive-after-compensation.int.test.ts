import { randomUUID } from 'node:crypto';
import { deadLetterTopic, listDeadLetters, redriveDeadLetters } from '@conveyor/events';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockConservation } from '../src/application/stock-conservation.ts';
import { SEED_PRODUCTS } from '../src/db/seed-products.ts';
import { type InventoryService, startInventoryService } from '../src/service.ts';
import {
  CommandSender,
  createTestEnvironment,
  eventually,
  silentLogger,
  type TestEnvironment,
  TopicReader,
  testKafka,
} from './support/world.ts';

const kettle = SEED_PRODUCTS.find((p) => p.sku === 'KIT-KTL-003');

/**
 * A reserve-stock command that kept failing went to the dead-letter topic; the saga, hearing
 * nothing before the step's deadline, compensated; then an operator re-drove the dead letters.
 * The re-driven reserve must be refused: the order is cancelled, its stock must stay available.
 */
describe('a reserve re-driven from the dead-letter topic after its saga was compensated', () => {
  let environment: TestEnvironment;
  let service: InventoryService;
  let sender: CommandSender;
  let reader: TopicReader;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    service = await startInventoryService(environment.config, { logger: silentLogger });
    const kafka = testKafka(environment.infra);
    sender = await CommandSender.start(kafka, service.deps.codec);
    reader = await TopicReader.start(kafka, service.deps.codec, [service.deps.topics.sagaReplies]);
  });

  afterAll(async () => {
    await reader?.stop();
    await sender?.stop();
    for (const stop of service?.stop ?? []) await stop();
    await environment?.database.drop();
  });

  const db = () => service.deps.db;
  const allStock = () => db().selectFrom('stock').selectAll().orderBy('product_id').execute();

  /** The database refuses every stock write, as on a full disk: handlers fail, nothing is a refusal. */
  async function breakStockWrites() {
    await sql`CREATE FUNCTION refuse_stock_writes() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100'; END $$`.execute(
      db(),
    );
    await sql`CREATE TRIGGER refuse_stock_writes BEFORE UPDATE ON stock
      FOR EACH ROW EXECUTE FUNCTION refuse_stock_writes()`.execute(db());
  }
  async function repairStockWrites() {
    await sql`DROP TRIGGER refuse_stock_writes ON stock`.execute(db());
    await sql`DROP FUNCTION refuse_stock_writes()`.execute(db());
  }

  it('answers the re-driven reserve with a failure and leaves the stock as it was', async () => {
    if (!kettle) throw new Error('no seed product KIT-KTL-003');
    const { topics, kafka } = service.deps;
    const dlq = deadLetterTopic(topics.inventoryCommands);
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const before = await allStock();

    await breakStockWrites();
    const reserveId = await sender.send(
      topics.inventoryCommands,
      'inventory.reserve-stock',
      { orderId, items: [{ productId: kettle.id, quantity: 3 }] },
      { sagaId },
    );
    const [letter] = await eventually(
      'the reserve command in the dead-letter topic',
      async () => {
        const letters = await listDeadLetters({ kafka, topic: dlq, timeoutMs: 10_000 });
        return letters.length > 0 && letters;
      },
      30_000,
    );
    expect(letter).toMatchObject({
      messageId: reserveId,
      messageType: 'inventory.reserve-stock',
      originalTopic: topics.inventoryCommands,
      consumer: 'inventory-participant',
      attempts: 5,
      error: 'could not extend file: No space left on device',
      redriven: false,
    });
    expect(reader.replies().filter((r) => r.commandId === reserveId)).toEqual([]);
    await repairStockWrites();

    // The step's deadline passed with no reply: the saga compensates the step whose outcome it does not know.
    const releaseId = await sender.send(
      topics.inventoryCommands,
      'inventory.release-stock',
      { orderId },
      { sagaId, action: 'compensation' },
    );
    expect(await reader.replyTo(releaseId)).toMatchObject({
      outcome: 'success',
      data: { released: false, voided: true },
    });

    // The operator re-drives the dead letters (what `npm run dlq -- redrive --topic …` runs).
    const redrive = await redriveDeadLetters({ kafka, topic: dlq, timeoutMs: 20_000 });
    expect(redrive).toMatchObject({ redriven: 1, byTopic: { [topics.inventoryCommands]: 1 } });

    const reply = await reader.replyTo(reserveId);
    expect(reply).toMatchObject({
      sagaId,
      step: 'reserve-inventory',
      action: 'command',
      outcome: 'failure',
      reason: `the reservation of order ${orderId} was compensated before it arrived; no stock is reserved for a cancelled order`,
    });
    expect(await allStock()).toEqual(before);
    expect(
      await db().selectFrom('reservations').selectAll().where('order_id', '=', orderId).execute(),
    ).toEqual([]);
    const stream = await service.deps.store.readStream(`reservation-${orderId}`);
    expect(stream.map((e) => e.type)).toEqual(['ReservationVoided']);
    expect((await stockConservation(db())).violations).toEqual([]);
  });

  it('still reserves other orders once the database is back', async () => {
    if (!kettle) throw new Error('no seed product KIT-KTL-003');
    const { topics } = service.deps;
    const commandId = await sender.send(topics.inventoryCommands, 'inventory.reserve-stock', {
      orderId: randomUUID(),
      items: [{ productId: kettle.id, quantity: 1 }],
    });
    expect(await reader.replyTo(commandId)).toMatchObject({ outcome: 'success' });
  });
});
