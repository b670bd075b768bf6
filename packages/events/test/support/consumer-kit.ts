import { spawn } from 'node:child_process';
import { uniqueName } from '@conveyor/infra-local/testing';
import type { IHeaders, Kafka, KafkaMessage, Message } from 'kafkajs';
import { type Generated, sql } from 'kysely';
import { type EventsDatabase, readHeaders } from '../../src/index.ts';
import { repoRoot } from './processes.ts';
import type { EventsWorld } from './world.ts';

/** The payload of the test schema `test.item-added`. */
export interface ItemAdded {
  aggregateId: string;
  version: number;
  note: string;
  poison: boolean;
}

/** The test database with a table the test handlers write their effects to. */
export interface EffectsDatabase extends EventsDatabase {
  effects: { seq: Generated<string>; message_id: string; aggregate_id: string; version: number };
}

/** No unique constraint on purpose: an effect applied twice shows as two rows. */
export async function createEffectsTable(world: EventsWorld): Promise<void> {
  await sql`CREATE TABLE effects (
    seq bigserial PRIMARY KEY, message_id text NOT NULL, aggregate_id text NOT NULL, version int NOT NULL
  )`.execute(world.db);
}

/** Encodes items as `test.item-added` with Conveyor headers, keyed by aggregate id. */
export async function itemMessage(
  world: EventsWorld,
  item: ItemAdded,
  messageId: string,
  extraHeaders: IHeaders = {},
): Promise<Message> {
  return {
    key: item.aggregateId,
    value: await world.codec.encode(world.topic, 'test.item-added', item),
    headers: {
      'message-id': messageId,
      'message-type': 'test.item-added',
      'correlation-id': `corr-${messageId}`,
      ...extraHeaders,
    },
  };
}

/** Produces the messages in one request (so in order per partition), acknowledged by all replicas. */
export async function produce(kafka: Kafka, topic: string, messages: Message[]) {
  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    return await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the dead-letter CLI as `npm run dlq` does: `node --import tsx packages/events/src/dead-letters/cli.ts`. */
export function runDlqCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/events/src/dead-letters/cli.ts', ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface Received {
  key: string | null;
  partition: number;
  offset: string;
  messageId: string | undefined;
  headers: Record<string, string>;
  message: KafkaMessage;
}

/**
 * A raw kafkajs consumer recording every delivery of a topic (like collectTopic, with short fetch
 * waits so that stopping it does not wait seconds for an idle fetch).
 */
export async function readTopic(kafka: Kafka, topic: string) {
  const consumer = kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const headers = readHeaders(message.headers);
      received.push({
        key: message.key?.toString() ?? null,
        partition,
        offset: message.offset,
        messageId: headers['message-id'],
        headers,
        message,
      });
    },
  });
  return { received, stop: () => consumer.disconnect() };
}
