import { ensureTopics } from '@conveyor/events';
import { uniqueName } from '@conveyor/infra-local/testing';
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandHandlers, createSagaParticipant, SagaOrchestrator } from '../src/index.ts';
import { bookingTopicOf } from './schemas/booking-topics.ts';
import type { MessageTypes } from './schemas/messages.generated.ts';
import { BOOKING_SAGA, bookingSagaV1, bookingSagaV2 } from './support/booking-saga.ts';
import { type ParticipantDatabase, SagaWorld } from './support/saga-world.ts';

describe('saga definition versions', () => {
  let world: SagaWorld;
  let commandsTopic: string;
  beforeAll(async () => {
    world = await SagaWorld.create();
    commandsTopic = `test.booking.commands.${uniqueName('b')}`;
    await ensureTopics(world.kafka, [{ topic: commandsTopic, partitions: 3 }]);
  });
  afterAll(() => world.close());

  it('finishes sagas started on v1 on v1 while new sagas run v2 with its added step', async () => {
    const topicOf = bookingTopicOf({ commands: commandsTopic, replies: world.topics.replies });
    // The deployment before: only v1. Its sagas wait at their first step (no participant runs yet).
    const before = new SagaOrchestrator({
      db: world.orchestratorDb,
      kafka: world.kafka,
      codec: world.codec,
      definitions: [bookingSagaV1(topicOf)],
      repliesTopic: world.topics.replies,
    });
    const v1 = await Promise.all(
      ['a', 'b', 'c'].map((p) => before.start(BOOKING_SAGA, { bookingId: `v1-${p}`, passenger: p })),
    );
    // The deployment after: v2 starts new sagas, v1 is kept for those in flight.
    const after = await world.startOrchestrator({
      definitions: [bookingSagaV1(topicOf), bookingSagaV2(topicOf)],
    });
    const v2 = await Promise.all(
      ['d', 'e', 'f'].map((p) => after.start(BOOKING_SAGA, { bookingId: `v2-${p}`, passenger: p })),
    );
    const participant = createSagaParticipant<ParticipantDatabase, MessageTypes>({
      kafka: world.kafka,
      db: world.participantDb,
      codec: world.codec,
      name: 'booking-participant',
      groupId: `booking-participant.${commandsTopic}`,
      commandsTopic,
      repliesTopic: world.topics.replies,
      handlers: bookingHandlers(),
    });
    await participant.start();

    try {
      for (const { sagaId } of [...v1, ...v2]) await world.waitForStatus(sagaId, 'completed');
    } finally {
      await participant.stop();
    }

    for (const { sagaId } of v1) {
      const saga = await after.store.load(world.orchestratorDb, sagaId);
      expect(saga?.state.definitionVersion).toBe(1);
      expect(saga?.state.steps.map((s) => s.name)).toEqual(['reserve-seat', 'charge-fare', 'issue-ticket']);
    }
    for (const { sagaId } of v2) {
      const saga = await after.store.load(world.orchestratorDb, sagaId);
      expect(saga?.state.definitionVersion).toBe(2);
      expect(saga?.state.steps.map((s) => s.name)).toEqual([
        'reserve-seat',
        'charge-fare',
        'issue-ticket',
        'send-itinerary',
      ]);
      expect(saga?.state.data).toMatchObject({
        seat: expect.stringMatching(/^12/),
        receiptId: expect.any(String),
      });
    }
    const itineraries = (await world.applied()).filter((row) => row.step === 'test.send-itinerary');
    expect(itineraries.map((row) => row.subject).sort()).toEqual(['v2-d', 'v2-e', 'v2-f']);
  });

  it('refuses a saga whose version is not registered, naming the versions it has', async () => {
    const topicOf = bookingTopicOf({ commands: commandsTopic, replies: world.topics.replies });
    const newer = new SagaOrchestrator({
      db: world.orchestratorDb,
      kafka: world.kafka,
      codec: world.codec,
      definitions: [bookingSagaV2(topicOf)],
    });
    const { sagaId } = await newer.start(BOOKING_SAGA, { bookingId: 'v2-only', passenger: 'g' });
    const older = new SagaOrchestrator({
      db: world.orchestratorDb,
      kafka: world.kafka,
      codec: world.codec,
      definitions: [bookingSagaV1(topicOf)],
    });

    await expect(older.act(sagaId, 'abort')).rejects.toMatchObject({ code: 'SAGA_UNKNOWN_VERSION' });
  });
});

/** The booking participant: records each command, answers with its reply type's payload. */
function bookingHandlers() {
  const record = (trx: Transaction<ParticipantDatabase>, commandId: string, step: string, subject: string) =>
    trx.insertInto('applied').values({ command_id: commandId, step, action: 'command', subject }).execute();
  return {
    'test.reserve-seat': async (command, trx) => {
      await record(trx, command.messageId, command.type, command.data.bookingId);
      return { outcome: 'success', data: { seat: `12${command.data.passenger}`, fareCents: 9_900 } };
    },
    'test.release-seat': async () => ({ outcome: 'success' }),
    'test.charge-fare': async (command, trx) => {
      await record(trx, command.messageId, command.type, command.data.bookingId);
      return { outcome: 'success', data: { receiptId: `r-${command.data.bookingId}` } };
    },
    'test.issue-ticket': async (command, trx) => {
      await record(trx, command.messageId, command.type, command.data.bookingId);
      return { outcome: 'success' };
    },
    'test.send-itinerary': async (command, trx) => {
      await record(trx, command.messageId, command.type, command.data.bookingId);
      return { outcome: 'success' };
    },
  } satisfies CommandHandlers<ParticipantDatabase, MessageTypes>;
}
