import { uniqueName } from '@conveyor/infra-local/testing';
import type { Kafka } from 'kafkajs';
import { readHeaders } from '../../src/index.ts';

export interface Collected {
  messageId: string;
  key: string;
  partition: number;
  headers: Record<string, string>;
}

/** A raw kafkajs consumer that records every delivery (duplicates included) of a topic. */
export async function collectTopic(kafka: Kafka, topic: string) {
  const consumer = kafka.consumer({ groupId: uniqueName('collector') });
  const received: Collected[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const headers = readHeaders(message.headers);
      received.push({ messageId: headers['message-id'] ?? '', key: String(message.key), partition, headers });
    },
  });
  return {
    received,
    stop: () => consumer.disconnect(),
  };
}
