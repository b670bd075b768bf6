import {
  AvroCodec,
  ConsumerRunner,
  createDatabase,
  type EventsDatabase,
  enqueueMessages,
  ensureTopics,
  eventsMigrations,
  type IncomingMessage,
  MessageCatalog,
  migrate,
  OutboxRelay,
} from '@conveyor/events';
import {
  createTestDatabase,
  type InfraEndpoints,
  type TestDatabase,
  uniqueName,
} from '@conveyor/infra-local/testing';
import { schemasDir } from '@conveyor/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Kysely, sql, type Transaction } from 'kysely';
import { inject } from 'vitest';
import {
  createSagaParticipant,
  type ParticipantResult,
  type SagaDatabase,
  SagaHeaders,
  SagaOrchestrator,
  type SagaOrchestratorOptions,
  sagaMigrations,
  sagaReplyMessage,
  TERMINAL_STATUSES,
} from '../../src/index.ts';
import {
  STEP_NAMES,
  TEST_SAGA_TIMING,
  type TestSagaData,
  type TestSagaTiming,
  testSagaDefinition,
  testSagaSchemasDir,
} from './test-saga.ts';

/** What the test participants apply: one row per command they ran (no unique key, so doubles show). */
export interface ParticipantDatabase extends EventsDatabase {
  applied: { command_id: string; step: string; action: string; subject: string };
}

export type StepName = (typeof STEP_NAMES)[number];

/**
 * Behaviour of the test participants is chosen by the saga's subject, so one world serves every
 * scenario: `fail:beta` refuses beta's command, `undo-fails:alpha` refuses alpha's compensation
 * while `brokenUndo` is true.
 */
export interface Behaviour {
  brokenUndo: boolean;
}

export class SagaWorld {
  readonly behaviour: Behaviour = { brokenUndo: true };
  private readonly participants = new Map<StepName, ConsumerRunner<ParticipantDatabase>>();
  private readonly closers: (() => Promise<unknown>)[] = [];

  private constructor(
    readonly infra: InfraEndpoints,
    readonly kafka: Kafka,
    readonly codec: AvroCodec,
    readonly orchestratorDatabase: TestDatabase,
    readonly orchestratorDb: Kysely<SagaDatabase>,
    readonly participantDatabase: TestDatabase,
    readonly participantDb: Kysely<ParticipantDatabase>,
    readonly topics: Record<StepName | 'replies', string>,
    readonly timing: TestSagaTiming,
  ) {}

  static async create(options: { timing?: TestSagaTiming } = {}): Promise<SagaWorld> {
    const infra = inject('infra');
    const kafka = new Kafka({
      clientId: 'saga-test',
      brokers: infra.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const codec = AvroCodec.connect(
      infra.schemaRegistryUrl,
      MessageCatalog.fromDirectories(schemasDir, testSagaSchemasDir),
    );
    const suffix = uniqueName('t');
    const topics = {
      alpha: `test.alpha.commands.${suffix}`,
      beta: `test.beta.commands.${suffix}`,
      gamma: `test.gamma.commands.${suffix}`,
      replies: `test.saga.replies.${suffix}`,
    };
    await ensureTopics(
      kafka,
      Object.values(topics).map((topic) => ({ topic, partitions: 3 })),
    );

    const orchestratorDatabase = await createTestDatabase(infra.databaseUrl, 'saga_orch');
    const orchestratorDb = createDatabase<SagaDatabase>({
      url: orchestratorDatabase.url,
      maxConnections: 20,
    });
    await migrate(orchestratorDb as Kysely<unknown>, { ...eventsMigrations, ...sagaMigrations });

    const participantDatabase = await createTestDatabase(infra.databaseUrl, 'saga_part');
    const participantDb = createDatabase<ParticipantDatabase>({ url: participantDatabase.url });
    await migrate(participantDb as Kysely<unknown>, {
      ...eventsMigrations,
      '1000_applied': {
        async up(db) {
          await db.schema
            .createTable('applied')
            .addColumn('command_id', 'text', (c) => c.notNull())
            .addColumn('step', 'text', (c) => c.notNull())
            .addColumn('action', 'text', (c) => c.notNull())
            .addColumn('subject', 'text', (c) => c.notNull())
            .execute();
        },
      },
    });
    const world = new SagaWorld(
      infra,
      kafka,
      codec,
      orchestratorDatabase,
      orchestratorDb,
      participantDatabase,
      participantDb,
      topics,
      options.timing ?? TEST_SAGA_TIMING,
    );
    const relay = new OutboxRelay({
      db: participantDb,
      databaseUrl: participantDatabase.url,
      kafka,
      codec,
      pollIntervalMs: 200,
    });
    relay.start();
    world.closers.push(() => relay.stop());
    return world;
  }

  get definition() {
    return testSagaDefinition(
      { alpha: this.topics.alpha, beta: this.topics.beta, gamma: this.topics.gamma },
      this.timing,
    );
  }

  /** The participants' shared local transaction: record the command, or refuse it. */
  private async runLocal(
    command: IncomingMessage,
    trx: Transaction<ParticipantDatabase>,
  ): Promise<ParticipantResult> {
    const data = command.data as { subject: string; step: string };
    const action = command.headers[SagaHeaders.action] ?? 'command';
    if (action === 'command' && data.subject.includes(`fail:${data.step}`)) {
      return { outcome: 'failure', reason: `${data.step} refused ${data.subject}` };
    }
    if (
      action === 'compensation' &&
      this.behaviour.brokenUndo &&
      data.subject.includes(`undo-fails:${data.step}`)
    ) {
      return { outcome: 'failure', reason: `${data.step} cannot undo yet` };
    }
    await trx
      .insertInto('applied')
      .values({ command_id: command.messageId, step: data.step, action, subject: data.subject })
      .execute();
    // Commands answer with test.saga-step.reply; compensations with no data (saga.reply).
    return action === 'command'
      ? { outcome: 'success', data: { receipt: `${data.step}:${command.messageId.slice(0, 8)}` } }
      : { outcome: 'success' };
  }

  /** One participant (a consumer of its own) per step. `mute` records that step's commands but never replies. */
  async startParticipants(options: { mute?: StepName } = {}): Promise<void> {
    for (const step of STEP_NAMES) await this.startParticipant(step, { mute: options.mute === step });
  }

  /**
   * The participant of one step, started; its consumer group is the step's, so a participant
   * started after another was stopped takes over its partitions and committed offsets.
   */
  async startParticipant(
    step: StepName,
    options: { mute?: boolean } = {},
  ): Promise<ConsumerRunner<ParticipantDatabase>> {
    const handler = (command: IncomingMessage, trx: Transaction<ParticipantDatabase>) =>
      this.runLocal(command, trx);
    // Groups per world: test files run side by side on one Kafka.
    const groupId = `${step}-participant.${this.topics.replies}`;
    const runner = options.mute
      ? new ConsumerRunner<ParticipantDatabase>({
          kafka: this.kafka,
          db: this.participantDb,
          codec: this.codec,
          name: `${step}-participant`,
          groupId,
          topics: [this.topics[step]],
          handlers: {
            'test.saga-step': async (command, trx) => {
              await handler(command, trx); // applied, but the reply never leaves
            },
            'test.saga-undo': async (command, trx) => {
              const result = await handler(command, trx);
              await enqueueMessages(trx, this.codec.catalog, [
                sagaReplyMessage(command, result, this.topics.replies),
              ]);
            },
          },
        })
      : createSagaParticipant<ParticipantDatabase>({
          kafka: this.kafka,
          db: this.participantDb,
          codec: this.codec,
          name: `${step}-participant`,
          groupId,
          commandsTopic: this.topics[step],
          repliesTopic: this.topics.replies,
          handlers: { 'test.saga-step': handler, 'test.saga-undo': handler },
        });
    await runner.start();
    this.participants.set(step, runner);
    this.closers.push(() => runner.stop());
    return runner;
  }

  /** The running participant of a step: stop() and start() it to take it down and bring it back. */
  participant(step: StepName): ConsumerRunner<ParticipantDatabase> {
    const runner = this.participants.get(step);
    if (!runner) throw new Error(`no participant was started for ${step}`);
    return runner;
  }

  /** An orchestrator in this process, with the relay of its database. */
  async startOrchestrator(options: Partial<SagaOrchestratorOptions> = {}): Promise<SagaOrchestrator> {
    const orchestrator = new SagaOrchestrator({
      db: this.orchestratorDb,
      kafka: this.kafka,
      codec: this.codec,
      definitions: [this.definition],
      repliesTopic: this.topics.replies,
      groupId: `saga-orchestrator.${this.topics.replies}`,
      sweepIntervalMs: 200,
      ...options,
    });
    const relay = new OutboxRelay({
      db: this.orchestratorDb,
      databaseUrl: this.orchestratorDatabase.url,
      kafka: this.kafka,
      codec: this.codec,
      pollIntervalMs: 200,
    });
    relay.start();
    await orchestrator.run();
    this.closers.push(async () => {
      await orchestrator.stop();
      await relay.stop();
    });
    return orchestrator;
  }

  async applied(subject?: string) {
    let query = this.participantDb.selectFrom('applied').selectAll();
    if (subject) query = query.where('subject', '=', subject);
    return query.execute();
  }

  /** Command ids applied more than once: must always be empty. */
  async doubleApplied(): Promise<string[]> {
    const rows = await this.participantDb
      .selectFrom('applied')
      .select(['command_id', sql<number>`count(*)::int`.as('n')])
      .groupBy('command_id')
      .having(sql`count(*)`, '>', 1)
      .execute();
    return rows.map((r) => r.command_id);
  }

  async statuses(ids?: string[]): Promise<Map<string, string>> {
    let query = this.orchestratorDb.selectFrom('saga_instances').select(['id', 'status']);
    if (ids) query = query.where('id', 'in', ids);
    return new Map((await query.execute()).map((r) => [r.id, r.status]));
  }

  async waitForStatus(id: string, status: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = (await this.statuses([id])).get(id) ?? 'missing';
      if (last === status) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`saga ${id} is ${last}, not ${status}, after ${timeoutMs} ms`);
  }

  async waitAllTerminal(timeoutMs = 60_000): Promise<Map<string, string>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await this.statuses();
      if ([...statuses.values()].every((s) => (TERMINAL_STATUSES as string[]).includes(s))) return statuses;
      if (Date.now() > deadline) {
        const pending = [...statuses].filter(([, s]) => !(TERMINAL_STATUSES as string[]).includes(s));
        throw new Error(
          `${pending.length} sagas not terminal after ${timeoutMs} ms: ${JSON.stringify(pending.slice(0, 5))}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await this.orchestratorDb.destroy();
    await this.participantDb.destroy();
    await this.orchestratorDatabase.drop();
    await this.participantDatabase.drop();
  }
}

export type { TestSagaData };
