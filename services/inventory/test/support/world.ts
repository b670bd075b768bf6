import { randomUUID } from 'node:crypto';
import type { AvroCodec } from '@conveyor/events';
import {
  createTestDatabase,
  eventually,
  type InfraEndpoints,
  type TestDatabase,
  uniqueName,
} from '@conveyor/infra-local/testing';
import { readSagaReply, SagaHeaders, type SagaReply } from '@conveyor/saga';
import { type Consumer, type Kafka, Kafka as KafkaClient, logLevel, type Producer } from 'kafkajs';
import pino from 'pino';
import { inject } from 'vitest';
import { type InventoryConfig, loadConfig } from '../../src/config.ts';

export const silentLogger = pino({ level: 'silent' });

/** A fresh database and topic namespace, as the service's configuration. */
export interface TestEnvironment {
  infra: InfraEndpoints;
  database: TestDatabase;
  namespace: string;
  env: Record<string, string>;
  config: InventoryConfig;
}

export async function createTestEnvironment(): Promise<TestEnvironment> {
  const infra = inject('infra');
  const database = await createTestDatabase(infra.databaseUrl, 'inventory_test');
  const namespace = uniqueName('inventory-test');
  const env = {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: infra.schemaRegistryUrl,
    CONVEYOR_TOPIC_NAMESPACE: namespace,
  };
  return { infra, database, namespace, env, config: loadConfig(env) };
}

/** A message as read back from Kafka, decoded. */
export interface ReadMessage<T = unknown> {
  topic: string;
  key: string;
  type: string;
  headers: Record<string, string>;
  data: T;
}

/** Reads topics from their beginning into memory, so tests can wait for what they expect. */
export class TopicReader {
  readonly messages: ReadMessage[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, codec: AvroCodec, topics: string[]): Promise<TopicReader> {
    const consumer = kafka.consumer({ groupId: uniqueName('inventory-test-reader'), maxWaitTimeInMs: 100 });
    const reader = new TopicReader(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v)]),
        );
        const type = headers['message-type'] ?? '';
        reader.messages.push({
          topic,
          key: message.key?.toString() ?? '',
          type,
          headers,
          data: await codec.decode(topic, type, message.value),
        });
      },
    });
    return reader;
  }

  /** Saga replies, as the orchestrator reads them (readSagaReply). */
  replies(): SagaReply[] {
    return this.messages.flatMap((m) => {
      const reply = readSagaReply({
        ...m,
        partition: 0,
        offset: '0',
        messageId: m.headers['message-id'] ?? '',
        correlationId: m.headers['correlation-id'] ?? '',
        causationId: m.headers['causation-id'],
        traceparent: undefined,
        timestamp: '0',
      });
      return reply ? [reply] : [];
    });
  }

  async replyTo(commandId: string, timeoutMs = 15_000) {
    return eventually(
      `the reply to command ${commandId}`,
      () => this.replies().find((r) => r.commandId === commandId),
      timeoutMs,
    );
  }

  of(type: string, key?: string): ReadMessage[] {
    return this.messages.filter((m) => m.type === type && (key === undefined || m.key === key));
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

/** Sends saga commands the way the orchestrator's outbox does: key and saga headers included. */
export class CommandSender {
  private constructor(
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
  ) {}

  static async start(kafka: Kafka, codec: AvroCodec): Promise<CommandSender> {
    const producer = kafka.producer();
    await producer.connect();
    return new CommandSender(producer, codec);
  }

  /** Returns the command id (the message id). */
  async send(
    topic: string,
    type: string,
    data: unknown,
    saga: { sagaId?: string; step?: string; action?: 'command' | 'compensation'; commandId?: string } = {},
  ): Promise<string> {
    const commandId = saga.commandId ?? randomUUID();
    const sagaId = saga.sagaId ?? randomUUID();
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: sagaId,
          value: await this.codec.encode(topic, type, data),
          headers: {
            'message-id': commandId,
            'message-type': type,
            'correlation-id': `corr-${sagaId}`,
            [SagaHeaders.sagaId]: sagaId,
            [SagaHeaders.sagaType]: 'create-order',
            [SagaHeaders.step]: saga.step ?? 'reserve-inventory',
            [SagaHeaders.action]: saga.action ?? 'command',
          },
        },
      ],
    });
    return commandId;
  }

  /** An event as another service's relay publishes it (key: the aggregate id). */
  async publish(topic: string, type: string, key: string, data: unknown, messageId = randomUUID()) {
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key,
          value: await this.codec.encode(topic, type, data),
          headers: { 'message-id': messageId, 'message-type': type, 'correlation-id': messageId },
        },
      ],
    });
    return messageId;
  }

  stop(): Promise<void> {
    return this.producer.disconnect();
  }
}

export function testKafka(infra: InfraEndpoints): Kafka {
  return new KafkaClient({
    clientId: 'inventory-test',
    brokers: infra.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
}

export { eventually };
