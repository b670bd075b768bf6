import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { migrate, readHeaders } from '@conveyor/events';
import { DEVELOPMENT_JWT_SETTINGS } from '@conveyor/http/testing';
import {
  createTestDatabase,
  eventually,
  type InfraEndpoints,
  type TestDatabase,
  uniqueName,
} from '@conveyor/infra-local/testing';
import { readSagaReply, SagaHeaders, type SagaReply } from '@conveyor/saga';
import type { ChargePayment, RefundPayment } from '@conveyor/schemas';
import type { Consumer, Message, Producer } from 'kafkajs';
import pino from 'pino';
import { inject } from 'vitest';
import type { PaymentsConfig } from '../../src/config.ts';
import { migrations } from '../../src/db/migrations.ts';
import { createDeps, type Deps, type DepsOverrides } from '../../src/deps.ts';
import { TEST_CARD_TOKENS } from '../../src/domain/fake-provider.ts';
import { type PaymentsService, startPaymentsService } from '../../src/service.ts';

export const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

export const quietLogger = () => pino({ level: 'silent' });

/** The service's configuration for a test: the run's servers, a fresh database and topic namespace. */
export function testConfig(
  infra: InfraEndpoints,
  databaseUrl: string,
  overrides: Partial<PaymentsConfig> = {},
): PaymentsConfig {
  return {
    databaseUrl,
    databasePoolMax: 10,
    kafkaBrokers: infra.kafkaBrokers,
    schemaRegistryUrl: infra.schemaRegistryUrl,
    topicNamespace: uniqueName('pay'),
    userLimitCents: 100_000,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    jwt: DEVELOPMENT_JWT_SETTINGS,
    ...overrides,
  };
}

/** A charge command's data with fresh ids; the approve token and 25.00 EUR unless told otherwise. */
export const chargeData = (overrides: Partial<ChargePayment> = {}): ChargePayment => ({
  orderId: randomUUID(),
  userId: randomUUID(),
  amountCents: 2_500,
  currency: 'EUR',
  cardToken: TEST_CARD_TOKENS.approve,
  ...overrides,
});

/** A fresh database migrated with the service's migrations, and deps on it; nothing started. */
export class PaymentsDbWorld {
  protected constructor(
    readonly infra: InfraEndpoints,
    readonly database: TestDatabase,
    readonly deps: Deps,
  ) {}

  static async create(overrides: DepsOverrides = {}): Promise<PaymentsDbWorld> {
    const infra = inject('infra');
    const database = await createTestDatabase(infra.databaseUrl, 'payments_test');
    const deps = createDeps(testConfig(infra, database.url), { logger: quietLogger(), ...overrides });
    await migrate(deps.db, migrations);
    return new PaymentsDbWorld(infra, database, deps);
  }

  async close(): Promise<void> {
    await this.deps.db.destroy();
    await this.database.drop();
  }
}

/** A decoded message seen on a topic. */
export interface Seen<T = unknown> {
  topic: string;
  key: string;
  type: string;
  headers: Record<string, string>;
  data: T;
}

export interface SendOptions {
  /** @default a new UUID */
  commandId?: string;
  /** The Kafka key and saga-id header. @default a new UUID */
  sagaId?: string;
  /** @default 'command' for payments.charge, 'compensation' for payments.refund */
  action?: 'command' | 'compensation';
}

type CommandType = 'payments.charge' | 'payments.refund';

/**
 * A saga command as the orchestrator's outbox writes it: key and saga-id the saga, message-id the
 * command id, the step and whether it is a command or a compensation.
 */
export async function sagaCommand(
  deps: Pick<Deps, 'codec' | 'topics'>,
  type: CommandType,
  data: ChargePayment | RefundPayment,
  options: SendOptions = {},
): Promise<Message> {
  const sagaId = options.sagaId ?? randomUUID();
  const action = options.action ?? (type === 'payments.refund' ? 'compensation' : 'command');
  return {
    key: sagaId,
    value: await deps.codec.encode(deps.topics.paymentsCommands, type, data),
    headers: {
      'message-id': options.commandId ?? randomUUID(),
      'message-type': type,
      'correlation-id': `corr-${sagaId}`,
      [SagaHeaders.sagaId]: sagaId,
      [SagaHeaders.sagaType]: 'create-order',
      [SagaHeaders.step]: 'charge-payment',
      [SagaHeaders.action]: action,
    },
  };
}

/**
 * The real service (participant, relay, app) on a fresh database and topic namespace, plus what
 * an orchestrator would do: send commands to payments.commands and read saga.replies, and a
 * reader of payments.events.
 */
export class ParticipantWorld {
  readonly replies: Seen<SagaReply>[] = [];
  readonly events: Seen[] = [];

  private constructor(
    readonly infra: InfraEndpoints,
    readonly database: TestDatabase,
    readonly service: PaymentsService,
    private readonly producer: Producer,
    private readonly reader: Consumer,
  ) {}

  get deps(): Deps {
    return this.service.deps;
  }

  get topics() {
    return this.service.deps.topics;
  }

  static async create(): Promise<ParticipantWorld> {
    const infra = inject('infra');
    const database = await createTestDatabase(infra.databaseUrl, 'payments_part');
    const service = await startPaymentsService(testConfig(infra, database.url), { logger: quietLogger() });
    const { kafka, topics } = service.deps;
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const reader = kafka.consumer({ groupId: uniqueName('payments-test-reader'), maxWaitTimeInMs: 200 });
    await reader.connect();
    await reader.subscribe({ topics: [topics.sagaReplies, topics.paymentsEvents], fromBeginning: true });
    const world = new ParticipantWorld(infra, database, service, producer, reader);
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        const headers = readHeaders(message.headers);
        const type = headers['message-type'] ?? '';
        const data = await service.deps.codec.decode(topic, type, message.value);
        const seen = { topic, key: String(message.key), type, headers, data };
        if (topic !== topics.sagaReplies) {
          world.events.push(seen);
          return;
        }
        // As the orchestrator reads it: the saga, step and command from the headers, the data typed.
        const reply = readSagaReply({
          ...seen,
          partition: 0,
          offset: message.offset,
          messageId: headers['message-id'] ?? '',
          correlationId: headers['correlation-id'] ?? '',
          causationId: headers['causation-id'],
          traceparent: undefined,
          timestamp: message.timestamp,
        });
        if (reply) world.replies.push({ ...seen, data: reply });
      },
    });
    return world;
  }

  /** Produces a command the way the orchestrator's outbox does (headers and key); returns its id. */
  async send(
    type: CommandType,
    data: ChargePayment | RefundPayment,
    options: SendOptions = {},
  ): Promise<string> {
    const commandId = options.commandId ?? randomUUID();
    await this.producer.send({
      topic: this.topics.paymentsCommands,
      acks: -1,
      messages: [await sagaCommand(this.deps, type, data, { ...options, commandId })],
    });
    return commandId;
  }

  /** Sends and waits for the reply to that command. */
  async request(
    type: CommandType,
    data: ChargePayment | RefundPayment,
    options: SendOptions = {},
  ): Promise<Seen<SagaReply>> {
    return this.reply(await this.send(type, data, options));
  }

  /** The first reply to a command, once it arrived. */
  reply(commandId: string, timeoutMs = 15_000): Promise<Seen<SagaReply>> {
    return eventually(
      `the reply to ${commandId}`,
      () => this.replies.find((r) => r.data.commandId === commandId),
      timeoutMs,
    );
  }

  repliesTo(commandId: string): Seen<SagaReply>[] {
    return this.replies.filter((r) => r.data.commandId === commandId);
  }

  eventsOf(orderId: string): Seen<{ orderId: string; paymentId?: string }>[] {
    return this.events.filter((e) => e.key === orderId) as Seen<{ orderId: string; paymentId?: string }>[];
  }

  async close(): Promise<void> {
    await this.reader.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.service.close();
    await this.database.drop();
  }
}

/** The success data of a reply (null for a refusal). */
export const replyData = (reply: Seen<SagaReply>): unknown => reply.data.data;

export { eventually };
