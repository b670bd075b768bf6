import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Headers } from '@conveyor/events';
import { topicNames } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import type { PoisonFlavour } from './schedule.ts';
import { POISON_TARGETS, type PoisonTopic } from './targets.ts';

/** A poison message the run wrote, and who must dead-letter it. */
export interface SentPoison {
  messageId: string;
  /** The full topic name (namespace included). */
  topic: string;
  flavour: PoisonFlavour;
  /** Consumers and projections that read the topic: each must put it in `<topic>.dlq`. */
  consumers: readonly string[];
}

/**
 * Writes one malformed message straight onto the topic, as a broken or hostile producer would:
 * without a message-type header, or with a type every reader handles and a value that is not in
 * the Confluent wire format (JSON text: its first byte is not the magic 0, so no reader asks the
 * registry and every one of them refuses it the same way). It carries a message id, so its dead
 * letters can be told apart. Retries for up to three minutes, so a broker restart (a minute and
 * more on a busy machine) only delays it.
 */
export async function sendPoison(
  brokers: string[],
  namespace: string,
  topicKey: PoisonTopic,
  flavour: PoisonFlavour,
): Promise<SentPoison> {
  const target = POISON_TARGETS[topicKey];
  const topic = topicNames(namespace)[topicKey];
  const messageId = randomUUID();
  const headers: Record<string, string> = { [Headers.messageId]: messageId };
  if (flavour === 'bad-bytes') headers[Headers.messageType] = target.type;
  const message = {
    key: randomUUID(),
    value: Buffer.from(JSON.stringify({ chaos: 'poison', flavour, messageId })),
    headers,
  };
  const kafka = new Kafka({ clientId: 'conveyor-chaos-poison', brokers, logLevel: logLevel.NOTHING });
  const deadline = Date.now() + 180_000;
  for (;;) {
    const producer = kafka.producer();
    try {
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [message] });
      return { messageId, topic, flavour, consumers: target.consumers };
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1_000);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }
}
