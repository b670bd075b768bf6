import type { Kafka } from 'kafkajs';
import { deadLetterNotFound, invalidOptions } from '../errors.ts';
import { readMessageAt } from '../internal/read-message-at.ts';
import { isDeadLetterTopic, readDeadLetter, toRedrivenMessage } from './dead-letter-format.ts';

export interface RedriveOneOptions {
  kafka: Kafka;
  /** The dead-letter topic, e.g. `orders.events.dlq`. */
  topic: string;
  /** The dead letter's position in it, as the list shows it. */
  partition: number;
  offset: string;
  /** @default 60000 */
  timeoutMs?: number;
}

export interface RedriveOneResult {
  /** The dead letter's position. */
  topic: string;
  partition: number;
  offset: string;
  /** Where its copy was sent. */
  originalTopic: string;
  messageId: string | undefined;
}

/**
 * Sends one dead letter back to its original topic, as redriveDeadLetters would (original key,
 * value and headers, `dlq-*` removed, `redriven-from` added). It reads without a committed group,
 * so the re-drive group's offsets do not move: a later re-drive of the whole topic sends this
 * letter again, with the same message id, which consumers' inboxes then apply once.
 * Unknown position → CONVEYOR_DEAD_LETTER_NOT_FOUND.
 */
export async function redriveDeadLetter(options: RedriveOneOptions): Promise<RedriveOneResult> {
  const { kafka, topic, partition, offset } = options;
  if (!isDeadLetterTopic(topic)) {
    throw invalidOptions('re-drive', `topic must be a dead-letter topic (ending in .dlq), got "${topic}"`);
  }
  if (!Number.isInteger(partition) || partition < 0) {
    throw invalidOptions('re-drive', `partition must be an integer ≥ 0, got ${partition}`);
  }
  if (!/^\d+$/.test(offset)) {
    throw invalidOptions('re-drive', `offset must be a decimal string, got "${offset}"`);
  }
  const message = await readMessageAt({
    kafka,
    topic,
    partition,
    offset,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  if (!message) throw deadLetterNotFound(topic, partition, offset);
  const target = toRedrivenMessage(topic, partition, message);
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic: target.topic, acks: -1, messages: [target.message] });
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
  return {
    topic,
    partition,
    offset,
    originalTopic: target.topic,
    messageId: readDeadLetter(topic, partition, message).messageId,
  };
}
