import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  /** @default 3 */
  partitions?: number;
  /** Also create `<topic>.dlq` (same partition count). @default true */
  withDeadLetter?: boolean;
}

export const deadLetterTopic = (topic: string) => `${topic}.dlq`;

/**
 * Creates the topics (and their dead-letter topics) that do not exist yet. Partition counts are
 * explicit because keys (aggregate ids) map to partitions: changing the count later reorders.
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], waitForKafkaMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await connectPatiently(admin, waitForKafkaMs);
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = specs.flatMap((spec) => {
      const partitions = spec.partitions ?? 3;
      const names = spec.withDeadLetter === false ? [spec.topic] : [spec.topic, deadLetterTopic(spec.topic)];
      return names.map((topic) => ({ topic, numPartitions: partitions }));
    });
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      // Several services create shared topics at start: "already exists" is success here.
      await admin
        .createTopics({ topics: missing, waitForLeaders: false })
        .catch((error: { type?: string }) => {
          if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error;
        });
      await waitForLeaders(
        admin,
        missing.map((t) => t.topic),
      );
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * kafkajs' own waitForLeaders gives up on the first "does not host this topic-partition", which a
 * busy broker answers for a moment after creating a topic: poll the metadata until every
 * partition has a leader.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (
        found.length === topics.length &&
        found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))
      ) {
        return;
      }
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(
    `topics ${topics.join(', ')} have no leader after ${timeoutMs / 1000} s${last ? ` (${String(last)})` : ''}`,
  );
}

/**
 * A service restarted while the broker is restarting would otherwise exit at once (kafkajs gives up
 * after a few seconds): starting is the first thing a supervisor retries, so wait here instead.
 */
async function connectPatiently(admin: Admin, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      if (Date.now() > deadline) throw error;
      await sleep(1_000);
    }
  }
}
