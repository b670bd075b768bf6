import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../src/testing.ts';

describe('local Kafka', () => {
  const { kafkaBrokers } = inject('infra');
  const kafka = new Kafka({ clientId: 'infra-test', brokers: kafkaBrokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const topic = uniqueName('infra.roundtrip');

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('answers a metadata request for a freshly created topic', async () => {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(2);
  });

  it('delivers a produced message back to a consumer of a fresh topic', async () => {
    const producer = kafka.producer({ idempotent: true });
    const consumer = kafka.consumer({ groupId: uniqueName('infra-test-group') });
    await producer.connect();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = new Promise<{ key: string; value: string; header: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) =>
            resolve({
              key: String(message.key),
              value: String(message.value),
              header: String(message.headers?.['message-id']),
            }),
        });
      });
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: 'order-1', value: 'hello conveyor', headers: { 'message-id': 'm-1' } }],
      });
      await expect(received).resolves.toEqual({ key: 'order-1', value: 'hello conveyor', header: 'm-1' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  });
});
