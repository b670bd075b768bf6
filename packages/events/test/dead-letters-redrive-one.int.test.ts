import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { toDeadLetterMessage } from '../src/dead-letters/dead-letter-format.ts';
import {
  deadLetterTopic,
  isConveyorError,
  listDeadLetters,
  redriveDeadLetter,
  redriveDeadLetters,
} from '../src/index.ts';
import { itemMessage, produce, readTopic } from './support/consumer-kit.ts';
import { eventually } from './support/processes.ts';
import { createEventsWorld, type EventsWorld } from './support/world.ts';

describe('re-driving one dead letter', () => {
  const stoppers: Array<() => Promise<unknown>> = [];
  const worlds: EventsWorld[] = [];
  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop().catch(() => undefined)));
    await Promise.all(worlds.splice(0).map((world) => world.close()));
  });

  it('sends exactly that letter back, leaves the re-drive group alone, and refuses an unknown position', async () => {
    const world = await createEventsWorld();
    worlds.push(world);
    const dlq = deadLetterTopic(world.topic);
    const originals = await Promise.all(
      ['agg-a', 'agg-b'].map((aggregateId) =>
        itemMessage(world, { aggregateId, version: 1, note: 'n', poison: false }, `dead-${randomUUID()}`),
      ),
    );
    await produce(world.kafka, world.topic, originals);
    const reader = await readTopic(world.kafka, world.topic);
    stoppers.push(() => reader.stop());
    await eventually('the originals', () => (reader.received.length === 2 ? true : undefined));
    await produce(
      world.kafka,
      dlq,
      reader.received.map(
        (r) =>
          toDeadLetterMessage({
            topic: world.topic,
            partition: r.partition,
            message: r.message,
            consumer: 'orders-projection',
            attempts: 5,
            error: new Error('boom'),
            failedAt: new Date(),
          }).message,
      ),
    );
    const letters = await listDeadLetters({ kafka: world.kafka, topic: dlq });
    expect(letters).toHaveLength(2);
    const [chosen, other] = letters;
    if (!chosen || !other) throw new Error('two dead letters expected');

    const sent = await redriveDeadLetter({
      kafka: world.kafka,
      topic: dlq,
      partition: chosen.partition,
      offset: chosen.offset,
    });
    expect(sent).toEqual({
      topic: dlq,
      partition: chosen.partition,
      offset: chosen.offset,
      originalTopic: world.topic,
      messageId: chosen.messageId,
    });
    await eventually('the re-driven copy', () => (reader.received.length === 3 ? true : undefined));
    const [copy] = reader.received.slice(2);
    const original = reader.received.find((r) => r.messageId === chosen.messageId);
    expect(copy?.messageId).toBe(chosen.messageId);
    expect(copy?.headers).toEqual({
      ...original?.headers,
      'redriven-from': `${world.topic}:${original?.partition}:${original?.offset}`,
    });

    // Not moved: both letters are still pending, and a re-drive of all sends both (inboxes dedupe).
    const after = await listDeadLetters({ kafka: world.kafka, topic: dlq });
    expect(after.map((l) => l.redriven)).toEqual([false, false]);
    const all = await redriveDeadLetters({ kafka: world.kafka, topic: dlq });
    expect(all.redriven).toBe(2);
    await eventually('the re-drive of all', () => (reader.received.length === 5 ? true : undefined));
    // Until then only the chosen letter had come back: the other arrives once, from the re-drive of all.
    expect(reader.received.slice(2).filter((r) => r.messageId === other.messageId)).toHaveLength(1);
    expect(reader.received.slice(2).filter((r) => r.messageId === chosen.messageId)).toHaveLength(2);

    for (const position of [
      { partition: chosen.partition, offset: '999999' },
      { partition: 99, offset: '0' },
    ]) {
      const refusal = await redriveDeadLetter({ kafka: world.kafka, topic: dlq, ...position }).catch(
        (error: unknown) => error,
      );
      expect(isConveyorError(refusal, 'CONVEYOR_DEAD_LETTER_NOT_FOUND'), JSON.stringify(position)).toBe(true);
    }
  });
});
