import { randomUUID } from 'node:crypto';
import { deadLetterTopic, listDeadLetters, redriveDeadLetters } from '@conveyor/events';
import { DISK_FULL_ERROR, refuseWrites } from '@conveyor/events/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockConservation } from '../src/application/stock-conservation.ts';
import { InventoryParticipantWorld, seedProduct } from './support/participant-world.ts';
import { eventually } from './support/world.ts';

const kettle = seedProduct('KIT-KTL-003');

/**
 * A reserve-stock command that kept failing went to the dead-letter topic; the saga, hearing
 * nothing before the step's deadline, compensated; then an operator re-drove the dead letters.
 * The re-driven reserve must be refused: the order is cancelled, its stock must stay available.
 */
describe('a reserve re-driven from the dead-letter topic after its saga was compensated', () => {
  let world: InventoryParticipantWorld;
  beforeAll(async () => {
    world = await InventoryParticipantWorld.start((t) => [t.sagaReplies]);
  });
  afterAll(() => world?.close());

  it('answers the re-driven reserve with a failure and leaves the stock as it was', async () => {
    const { topics, kafka } = world.deps;
    const dlq = deadLetterTopic(topics.inventoryCommands);
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const before = await world.allStock();

    // The database refuses every stock write, as on a full disk: handlers fail, nothing is a refusal.
    const repairStockWrites = await refuseWrites(world.db, 'stock', 'UPDATE');
    const reserveId = await world.reserve(orderId, [{ productId: kettle.id, quantity: 3 }], { sagaId });
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
      error: DISK_FULL_ERROR,
      redriven: false,
    });
    expect(world.reader.replies().filter((r) => r.commandId === reserveId)).toEqual([]);
    await repairStockWrites();

    // The step's deadline passed with no reply: the saga compensates the step whose outcome it does not know.
    const releaseId = await world.release(orderId, { sagaId });
    expect(await world.reader.replyTo(releaseId)).toMatchObject({
      outcome: 'success',
      data: { released: false, voided: true },
    });

    // The operator re-drives the dead letters (what `npm run dlq -- redrive --topic …` runs).
    const redrive = await redriveDeadLetters({ kafka, topic: dlq, timeoutMs: 20_000 });
    expect(redrive).toMatchObject({ redriven: 1, byTopic: { [topics.inventoryCommands]: 1 } });

    const reply = await world.reader.replyTo(reserveId);
    expect(reply).toMatchObject({
      sagaId,
      step: 'reserve-inventory',
      action: 'command',
      outcome: 'failure',
      reason: `the reservation of order ${orderId} was compensated before it arrived; no stock is reserved for a cancelled order`,
    });
    expect(await world.allStock()).toEqual(before);
    expect(await world.reservationsOf(orderId)).toEqual([]);
    expect(await world.streamTypes(orderId)).toEqual(['ReservationVoided']);
    expect((await stockConservation(world.db)).violations).toEqual([]);
  });

  it('still reserves other orders once the database is back', async () => {
    const commandId = await world.reserve(randomUUID(), [{ productId: kettle.id, quantity: 1 }]);
    expect(await world.reader.replyTo(commandId)).toMatchObject({ outcome: 'success' });
  });
});
