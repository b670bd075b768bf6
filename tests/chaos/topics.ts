import { Kafka, logLevel } from 'kafkajs';

/**
 * Deletes the run's topics (`<namespace>.*`, dead-letter topics included). Every run makes its own
 * namespace; left behind, their partitions pile up in the shared broker, whose metadata then
 * outgrows its small heap. Returns how many were deleted.
 */
export async function deleteNamespaceTopics(brokers: string[], namespace: string): Promise<number> {
  const admin = new Kafka({
    clientId: 'conveyor-chaos-cleanup',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    return topics.length;
  } finally {
    await admin.disconnect();
  }
}
