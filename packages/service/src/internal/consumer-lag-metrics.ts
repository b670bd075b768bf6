import { Gauge, METRIC_NAMES, type Registry, withTimeout } from '@conveyor/http';
import type { Admin, Kafka } from 'kafkajs';
import { topicLag } from './consumer-lag.ts';

/** A consumer group and the topics it reads. */
export interface ConsumerGroup {
  groupId: string;
  topics: readonly string[];
}

/** How long one scrape may wait for the broker before it keeps the last values. */
const SCRAPE_TIMEOUT_MS = 2_000;

/**
 * `consumer_lag_messages{group, topic}` of the service's consumer groups, read from Kafka when
 * Prometheus scrapes (committed offsets against the high watermarks), over one admin connection
 * kept between scrapes. A broker that does not answer in time keeps the last values: /metrics must
 * answer while Kafka is down. Returns the close of that connection.
 */
export function registerConsumerLagMetrics(
  registry: Registry,
  kafka: Kafka,
  groups: () => readonly ConsumerGroup[],
): () => Promise<void> {
  let admin: Promise<Admin> | undefined;
  const connect = async () => {
    const client = kafka.admin({ retry: { retries: 0 } });
    await client.connect();
    return client;
  };
  const read = async (): Promise<Map<string, Map<string, number>>> => {
    admin ??= connect();
    const client = await admin;
    const lags = new Map<string, Map<string, number>>();
    for (const { groupId, topics } of groups()) {
      const byTopic = new Map<string, number>();
      for (const { topic, partitions } of await client.fetchOffsets({ groupId, topics: [...topics] })) {
        byTopic.set(topic, topicLag(await client.fetchTopicOffsets(topic), partitions));
      }
      lags.set(groupId, byTopic);
    }
    return lags;
  };
  new Gauge({
    name: METRIC_NAMES.consumerLag,
    help: 'Messages a consumer group has yet to commit past, by topic',
    labelNames: ['group', 'topic'],
    registers: [registry],
    async collect() {
      const lags = await withTimeout(read(), SCRAPE_TIMEOUT_MS).catch(async () => {
        // Reconnect on the next scrape: the connection may be what failed.
        const failed = admin;
        admin = undefined;
        await (await failed?.catch(() => undefined))?.disconnect().catch(() => undefined);
        return undefined;
      });
      if (!lags) return;
      for (const [group, byTopic] of lags)
        for (const [topic, lag] of byTopic) this.set({ group, topic }, lag);
    },
  });
  return async () => {
    const current = admin;
    admin = undefined;
    await (await current?.catch(() => undefined))?.disconnect().catch(() => undefined);
  };
}
