import type { Kafka } from 'kafkajs';

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
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = specs.flatMap((spec) => {
      const partitions = spec.partitions ?? 3;
      const names = spec.withDeadLetter === false ? [spec.topic] : [spec.topic, deadLetterTopic(spec.topic)];
      return names.map((topic) => ({ topic, numPartitions: partitions }));
    });
    const missing = wanted.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}
