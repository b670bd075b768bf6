import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { invalidOptions } from '../errors.ts';
import { scanToEnd } from '../internal/scan-to-end.ts';
import { type DeadLetter, isDeadLetterTopic, readDeadLetter } from './dead-letter-format.ts';
import { defaultRedriveGroup } from './redrive.ts';

export interface ListOptions {
  kafka: Kafka;
  /** The dead-letter topic, e.g. `orders.events.dlq`. */
  topic: string;
  /** The re-drive group, to tell which dead letters were sent back already. @default `conveyor-dlq-redrive.<topic>` */
  redriveGroupId?: string;
  /** @default 60000 */
  timeoutMs?: number;
}

export interface ListedDeadLetter extends DeadLetter {
  /** Whether a re-drive already sent it back (its offset is below the re-drive group's). */
  redriven: boolean;
}

/** Every dead letter the topic holds now, in partition and offset order; reads without committing. */
export async function listDeadLetters(options: ListOptions): Promise<ListedDeadLetter[]> {
  const { kafka, topic } = options;
  if (!isDeadLetterTopic(topic)) {
    throw invalidOptions(
      'dead-letter list',
      `topic must be a dead-letter topic (ending in .dlq), got "${topic}"`,
    );
  }
  const letters: DeadLetter[] = [];
  await scanToEnd({
    kafka,
    topic,
    // A throwaway group: it commits nothing, so Kafka forgets it once it leaves.
    groupId: `conveyor-dlq-list.${randomUUID()}`,
    commit: false,
    timeoutMs: options.timeoutMs ?? 60_000,
    onMessages: async (partition, messages) => {
      for (const message of messages) letters.push(readDeadLetter(topic, partition, message));
    },
  });
  const redriveGroup = options.redriveGroupId ?? defaultRedriveGroup(topic);
  const positions = await committedOffsets(kafka, redriveGroup, topic);
  return letters
    .sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))
    .map((letter) => ({
      ...letter,
      redriven: BigInt(letter.offset) < (positions.get(letter.partition) ?? -1n),
    }));
}

async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((group?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}
