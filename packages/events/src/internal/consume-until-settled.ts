import type { Consumer, ConsumerRunConfig } from 'kafkajs';
import type { SettleOnce } from './settle-once.ts';

/**
 * Runs a throwaway consumer over one topic from its beginning until `outcome` settles (its value,
 * a failure, or its timeout), fails with the consumer's crash instead of letting kafkajs restart
 * it, and disconnects it however it ended. `afterRun` is called once it runs (a seek needs that).
 */
export async function consumeUntilSettled<T>(
  consumer: Consumer,
  topic: string,
  outcome: SettleOnce<T>,
  run: ConsumerRunConfig,
  afterRun?: () => void,
): Promise<T> {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) outcome.reject(payload.error);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run(run);
    afterRun?.();
    return await outcome.promise;
  } finally {
    outcome.clear();
    await consumer.disconnect().catch(() => undefined);
  }
}
