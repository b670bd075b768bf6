import { uniqueName } from '@conveyor/infra-local/testing';
import type { Kafka, Message } from 'kafkajs';
import type { Progress } from '../measure/progress.ts';
import { formatCount } from '../measure/progress.ts';

/** The relay's producer settings: idempotent, one request in flight, acks from all replicas. */
export const RELAY_PRODUCER = { idempotent: true, maxInFlightRequests: 1 } as const;
/** OutboxRelayOptions.batchSize's default. */
export const RELAY_BATCH_SIZE = 200;

/** Sends the messages in batches of `batchSize`, one after the other, as the relay sends its batches. */
export async function rawProduce(
  kafka: Kafka,
  topic: string,
  messages: readonly Message[],
  progress: Progress,
  batchSize = RELAY_BATCH_SIZE,
): Promise<{ elapsedMs: number }> {
  const producer = kafka.producer(RELAY_PRODUCER);
  await producer.connect();
  try {
    const began = Date.now();
    for (let i = 0; i < messages.length; i += batchSize) {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [{ topic, messages: messages.slice(i, i + batchSize) }],
      });
      progress.update(`raw producer ${formatCount(i + batchSize)}/${formatCount(messages.length)}`);
    }
    return { elapsedMs: Date.now() - began };
  } finally {
    await producer.disconnect();
  }
}

export interface ConsumeTiming {
  /** From `run()` to the last message: joining the group included. */
  elapsedMs: number;
  /** From `run()` to the first message: mostly the group join. */
  firstMessageMs: number;
}

/**
 * Reads the topic from the beginning with a fresh group through kafkajs `eachBatch`, doing nothing
 * with the messages but counting them: how fast this machine's broker and kafkajs deliver.
 */
export async function rawConsume(
  kafka: Kafka,
  topic: string,
  expected: number,
  progress: Progress,
): Promise<ConsumeTiming> {
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = 0;
    let firstAt = 0;
    const began = Date.now();
    const done = new Promise<number>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch, resolveOffset }) => {
          if (firstAt === 0) firstAt = Date.now();
          received += batch.messages.length;
          const last = batch.messages.at(-1);
          if (last) resolveOffset(last.offset);
          progress.update(`raw consumer ${formatCount(received)}/${formatCount(expected)}`);
          if (received >= expected) resolve(Date.now());
        },
      });
    });
    const endedAt = await done;
    return { elapsedMs: endedAt - began, firstMessageMs: firstAt - began };
  } finally {
    await consumer.disconnect();
  }
}
