import type { Kafka, TopicMessages } from 'kafkajs';
import { invalidOptions } from '../errors.ts';
import { scanToEnd } from '../internal/scan-to-end.ts';
import { isDeadLetterTopic, toRedrivenMessage } from './dead-letter-format.ts';

export interface RedriveOptions {
  kafka: Kafka;
  /** The dead-letter topic, e.g. `orders.events.dlq`. */
  topic: string;
  /**
   * Consumer group whose committed offsets remember what was re-driven already.
   * @default `conveyor-dlq-redrive.<topic>`
   */
  groupId?: string;
  /** @default 60000 */
  timeoutMs?: number;
}

export interface RedriveResult {
  topic: string;
  groupId: string;
  /** Dead letters sent back. */
  redriven: number;
  /** How many went to each original topic. */
  byTopic: Record<string, number>;
}

/**
 * One group per dead-letter topic by default: re-drives of different topics then never share a
 * group, whose rebalances would hand one run the other's partitions.
 */
export const defaultRedriveGroup = (topic: string) => `conveyor-dlq-redrive.${topic}`;

/**
 * Sends every dead letter present when it starts (and not re-driven before) back to its original
 * topic, with its original key, value and headers (`dlq-*` removed), then commits the group's
 * offsets so the next run does not send it again. A crash between send and commit sends a batch
 * twice: same message ids, so consumers' inboxes apply it once.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<RedriveResult> {
  const { kafka, topic } = options;
  if (!isDeadLetterTopic(topic)) {
    throw invalidOptions('re-drive', `topic must be a dead-letter topic (ending in .dlq), got "${topic}"`);
  }
  const groupId = options.groupId ?? defaultRedriveGroup(topic);
  const byTopic: Record<string, number> = {};
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    const redriven = await scanToEnd({
      kafka,
      topic,
      groupId,
      commit: true,
      timeoutMs: options.timeoutMs ?? 60_000,
      onMessages: async (partition, messages) => {
        const byTarget = new Map<string, TopicMessages>();
        for (const message of messages) {
          const target = toRedrivenMessage(topic, partition, message);
          const entry = byTarget.get(target.topic) ?? { topic: target.topic, messages: [] };
          entry.messages.push(target.message);
          byTarget.set(target.topic, entry);
          byTopic[target.topic] = (byTopic[target.topic] ?? 0) + 1;
        }
        await producer.sendBatch({ acks: -1, topicMessages: [...byTarget.values()] });
      },
    });
    return { topic, groupId, redriven, byTopic };
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}
