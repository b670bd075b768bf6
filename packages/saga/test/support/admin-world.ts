import { AvroCodec, createDatabase, eventsMigrations, MessageCatalog, migrate } from '@conveyor/events';
import { createMetricsRegistry, createServiceApp, type ProblemDetails } from '@conveyor/http';
import { bearer, developmentVerifier } from '@conveyor/http/testing';
import { createTestDatabase, type TestDatabase, uniqueName } from '@conveyor/infra-local/testing';
import { schemasDir } from '@conveyor/schemas';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import type { Kysely } from 'kysely';
import { expect, inject } from 'vitest';
import { sagaMigrations } from '../../src/db/migrations.ts';
import { type SagaDatabase, SagaOrchestrator, type SagaStatus, sagaAdminRoutes } from '../../src/index.ts';
import { type TestSagaData, testSagaDefinition, testSagaSchemasDir } from './test-saga.ts';

export const MINUTE = 60_000;

/** The operator's token: the admin routes need the role admin. */
export const ADMIN = bearer('ops-1', ['admin']);
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * A fresh database, an orchestrator that is never run (start and receiveReply write to the
 * database and outbox only), and the admin routes on a service app (with the identity plugin, as
 * in a host service) driven by inject(). The clock is shared by the orchestrator (created_at) and
 * the routes (ages).
 */
export class AdminWorld {
  private constructor(
    private readonly clock: { now: number },
    readonly database: TestDatabase,
    readonly db: Kysely<SagaDatabase>,
    readonly orchestrator: SagaOrchestrator,
    readonly app: FastifyInstance,
  ) {}

  static async create(): Promise<AdminWorld> {
    const infra = inject('infra');
    const database = await createTestDatabase(infra.databaseUrl, 'saga_admin');
    const db = createDatabase<SagaDatabase>({ url: database.url });
    await migrate(db, { ...eventsMigrations, ...sagaMigrations });
    const suffix = uniqueName('admin');
    const definition = testSagaDefinition({
      alpha: `test.alpha.${suffix}`,
      beta: `test.beta.${suffix}`,
      gamma: `test.gamma.${suffix}`,
    });
    const catalog = MessageCatalog.fromDirectories(schemasDir, testSagaSchemasDir);
    const time = { now: T0 };
    const clock = () => new Date(time.now);
    const orchestrator = new SagaOrchestrator({
      db,
      kafka: new Kafka({
        clientId: 'saga-admin-test',
        brokers: infra.kafkaBrokers,
        logLevel: logLevel.NOTHING,
      }),
      codec: AvroCodec.connect(infra.schemaRegistryUrl, catalog),
      definitions: [definition, { ...definition, type: 'other-saga' }],
      clock,
      // No jitter: a resend is due exactly 2 s after a send (the test saga's first delay).
      random: () => 0.5,
    });
    const app = await createServiceApp({
      name: 'saga-admin-test',
      readiness: {},
      metrics: createMetricsRegistry('saga-admin-test'),
      verifyToken: developmentVerifier(),
    });
    await app.register(sagaAdminRoutes, { orchestrator, db, clock });
    await app.ready();
    return new AdminWorld(time, database, db, orchestrator, app);
  }

  /** The time the orchestrator and the routes read (ms since the epoch). */
  get now(): number {
    return this.clock.now;
  }

  set now(value: number) {
    this.clock.now = value;
  }

  async start(
    options: {
      type?: string;
      at?: number;
      correlationId?: string;
      data?: TestSagaData;
      secrets?: Record<string, string>;
    } = {},
  ): Promise<string> {
    if (options.at !== undefined) this.now = options.at;
    const { sagaId } = await this.orchestrator.start<TestSagaData>(
      options.type ?? 'test-saga',
      options.data ?? { subject: 'admin', amount: 1 },
      {
        ...(options.correlationId ? { correlationId: options.correlationId } : {}),
        ...(options.secrets ? { secrets: options.secrets } : {}),
      },
    );
    return sagaId;
  }

  /** Answers what the saga awaits (the current step's command or compensation), as decide.ts expects. */
  async answer(sagaId: string, outcome: 'success' | 'failure', data: unknown = { ok: true }): Promise<void> {
    const saga = await this.orchestrator.store.load(this.db, sagaId);
    const state = saga?.state;
    const step = state?.steps[state.currentStep];
    if (!state || !step) throw new Error(`saga ${sagaId} awaits nothing`);
    const action = state.status === 'compensating' ? 'compensation' : 'command';
    if (action === 'compensation' && step.compensationCommandId === null) {
      // A refused compensation is retried after its backoff; an operator's retry sends it now.
      await this.orchestrator.act(sagaId, 'retry');
      return this.answer(sagaId, outcome, data);
    }
    await this.orchestrator.receiveReply({
      sagaId,
      step: step.name,
      action,
      commandId: (action === 'command' ? step.commandId : step.compensationCommandId) ?? '',
      outcome,
      data: outcome === 'success' ? data : null,
      reason: outcome === 'failure' ? `${step.name} refused` : null,
    });
  }

  /** Moves a started saga to the given status through replies (and an abort for compensating). */
  async drive(sagaId: string, to: SagaStatus): Promise<void> {
    const replies: Record<SagaStatus, ('success' | 'failure')[]> = {
      running: [],
      compensating: ['success', 'failure'],
      completed: ['success', 'success', 'success'],
      compensated: ['success', 'failure', 'success'],
      // alpha succeeds, beta is refused, alpha's compensation is refused maxCompensationAttempts (3) times.
      failed: ['success', 'failure', 'failure', 'failure', 'failure'],
    };
    for (const outcome of replies[to]) await this.answer(sagaId, outcome);
    expect(await this.status(sagaId)).toBe(to);
  }

  async status(sagaId: string): Promise<SagaStatus | undefined> {
    return (await this.orchestrator.store.load(this.db, sagaId))?.state.status;
  }

  /**
   * What the relay does once it has sent them: the outbox rows are marked published (no relay runs
   * here). The sweeper resends only what has left the outbox.
   */
  async relayed(): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ published_at: new Date() })
      .where('published_at', 'is', null)
      .execute();
  }

  /** What a request must not change when it is refused. */
  async writes(): Promise<{ log: number; outbox: number; versions: number }> {
    const count = async (table: 'saga_log' | 'outbox') =>
      Number(
        (
          await this.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const versions = await this.db
      .selectFrom('saga_instances')
      .select((eb) => eb.fn.sum<string>('version').as('v'))
      .executeTakeFirstOrThrow();
    return { log: await count('saga_log'), outbox: await count('outbox'), versions: Number(versions.v ?? 0) };
  }

  /** As the operator, unless other headers are given. */
  get(url: string, headers: Record<string, string> = ADMIN) {
    return this.app.inject({ method: 'GET', url, headers });
  }

  post(url: string, payload?: unknown, headers: Record<string, string> = ADMIN) {
    return this.app.inject({
      method: 'POST',
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.db.destroy();
    await this.database.drop();
  }
}

/** Asserts an RFC 7807 answer with the given status and code, without a stack trace. */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  code: string,
): ProblemDetails {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<ProblemDetails>();
  expect(problem).toMatchObject({
    type: expect.stringMatching(/^urn:conveyor:problem:/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
  expect(response.body).not.toMatch(/\s+at .+:\d+:\d+/); // no stack trace
  return problem;
}
