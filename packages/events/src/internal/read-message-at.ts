import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterReadTimeout, topicNotFound } from '../errors.ts';
import { consumeUntilSettled } from './consume-until-settled.ts';
import { settleOnce } from './settle-once.ts';

export interface ReadAtOptions {
  kafka: Kafka;
  topic: string;
  partition: number;
  /** A decimal offset. */
  offset: string;
  /** Fails with CONVEYOR_DEAD_LETTER_SCAN_TIMEOUT when the offset is not reached in time. */
  timeoutMs: number;
}

/**
 * The message at one position of a topic; undefined when the topic holds none there (outside the
 * partition's offsets, or a transaction marker). Reads with a throwaway group and commits nothing,
 * so no group's position moves.
 */
export async function readMessageAt(options: ReadAtOptions): Promise<KafkaMessage | undefined> {
  const { kafka, topic, partition, timeoutMs } = options;
  const wanted = BigInt(options.offset);
  if (!(await holdsOffset(options, wanted))) return undefined;

  // Short fetch waits: a disconnect waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId: `conveyor-dlq-read.${randomUUID()}`, maxWaitTimeInMs: 100 });
  const found = settleOnce<KafkaMessage | undefined>(timeoutMs, () =>
    deadLetterReadTimeout(topic, partition, options.offset, timeoutMs),
  );
  return consumeUntilSettled(
    consumer,
    topic,
    found,
    {
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition || found.settled) return;
        const next = batch.messages.find((m) => BigInt(m.offset) >= wanted);
        if (next) found.resolve(BigInt(next.offset) === wanted ? next : undefined);
        // lastOffset() also counts records a fetch filters out (transaction markers).
        else if (BigInt(batch.lastOffset()) >= wanted) found.resolve(undefined);
      },
    },
    () => consumer.seek({ topic, partition, offset: options.offset }),
  );
}

async function holdsOffset({ kafka, topic, partition }: ReadAtOptions, offset: bigint): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [] });
    if (!metadata.topics.some((t) => t.name === topic)) throw topicNotFound(topic);
    const range = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === partition);
    return range !== undefined && offset >= BigInt(range.low) && offset < BigInt(range.high);
  } finally {
    await admin.disconnect();
  }
}
