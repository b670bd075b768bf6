import type { Admin, Kafka } from 'kafkajs';

/**
 * A Kafka metadata request for /ready, over one admin connection kept between checks (a probe
 * every few seconds should not open a connection each time). A failed request drops the
 * connection, so the next check reconnects. /ready bounds each check with its own timeout.
 */
export function kafkaReadiness(kafka: Kafka) {
  let admin: Promise<Admin> | undefined;
  const connect = async () => {
    // No retries: an unreachable broker is "not ready" now, not after kafkajs's backoff.
    const client = kafka.admin({ retry: { retries: 0 } });
    await client.connect();
    return client;
  };
  const reset = async (failed: Promise<Admin>) => {
    if (admin === failed) admin = undefined;
    await (await failed.catch(() => undefined))?.disconnect().catch(() => undefined);
  };
  return {
    async check(): Promise<void> {
      admin ??= connect();
      const current = admin;
      try {
        const cluster = await (await current).describeCluster();
        if (cluster.brokers.length === 0) throw new Error('the cluster lists no brokers');
      } catch (error) {
        await reset(current);
        throw error;
      }
    },
    async close(): Promise<void> {
      if (admin) await reset(admin);
    },
  };
}
