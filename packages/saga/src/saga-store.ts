import { type Kysely, type RawBuilder, type Selectable, sql, type Transaction } from 'kysely';
import type { SagaDatabase, SagaInstancesTable } from './db/tables.ts';
import type { SagaLogEntry } from './decide.ts';
import type { SagaSecrets } from './definition.ts';
import { sagaConcurrentUpdate } from './errors.ts';
import type { SagaState, SagaStatus, StepState } from './saga-state.ts';

export type SagaExecutor = Kysely<SagaDatabase> | Transaction<SagaDatabase>;

export interface StoredSaga<Data = unknown> {
  state: SagaState<Data>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A saga locked for a transition, with the secrets its commands may need. */
export interface LockedSaga<Data = unknown> extends StoredSaga<Data> {
  secrets: SagaSecrets;
}

/** A stored log entry: what `decide` logged, numbered and timed by the store. */
export interface SagaLogRow extends SagaLogEntry {
  seq: number;
  at: Date;
}

/** Reads and writes saga instances and their append-only log. */
export class SagaStore {
  /**
   * Inserts a new saga, its first log rows and its secrets (none written when there are none) in
   * one statement: a saga start is on the path of every POST that starts one.
   */
  async insert(
    trx: SagaExecutor,
    state: SagaState,
    log: SagaLogEntry[],
    secrets: SagaSecrets,
    now: Date,
  ): Promise<void> {
    const kept = Object.keys(secrets).length > 0;
    await sql`
      WITH inserted AS (
        INSERT INTO saga_instances (id, type, definition_version, status, current_step, data, steps,
          correlation_id, version, next_attempt_at, failure_reason, created_at, updated_at)
        VALUES (${state.id}, ${state.type}, ${state.definitionVersion}, ${state.status},
          ${state.currentStep}, ${JSON.stringify(state.data)}, ${JSON.stringify(state.steps)},
          ${state.correlationId}, 1, ${state.nextAttemptAt}, ${state.failureReason}, ${now}, ${now})
        RETURNING id
      ), logged AS (${logInsert(sql`(SELECT id FROM inserted)`, sql`0`, log)}
      ), kept AS (
        INSERT INTO saga_secrets (saga_id, secrets)
        SELECT id, ${JSON.stringify(secrets)}::jsonb FROM inserted WHERE ${kept}
      )
      SELECT 1 FROM inserted`.execute(trx);
  }

  /**
   * Loads a saga with its secrets (for its commands) and locks its row until the transaction ends:
   * transitions of one saga are serialised. One statement, as it runs for every reply.
   */
  async loadForUpdate(trx: Transaction<SagaDatabase>, id: string): Promise<LockedSaga | undefined> {
    const row = await trx
      .selectFrom('saga_instances')
      .leftJoin('saga_secrets', 'saga_secrets.saga_id', 'saga_instances.id')
      .selectAll('saga_instances')
      .select('saga_secrets.secrets')
      .where('saga_instances.id', '=', id)
      .forUpdate('saga_instances')
      .executeTakeFirst();
    return row && { ...toStored(row), secrets: row.secrets ?? {} };
  }

  async load(db: SagaExecutor, id: string): Promise<StoredSaga | undefined> {
    const row = await db.selectFrom('saga_instances').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  }

  /**
   * Writes the new state if the version still matches, appends the log rows after the saga's last
   * one and, once it has ended, forgets its secrets: one statement (it runs for every reply, under
   * the row lock loadForUpdate took, so no other transition numbers log rows meanwhile).
   */
  async update(
    trx: Transaction<SagaDatabase>,
    saga: StoredSaga,
    state: SagaState,
    log: SagaLogEntry[],
    now: Date,
    options: { forgetSecrets: boolean },
  ): Promise<void> {
    const { rows } = await sql<{ id: string }>`
      WITH updated AS (
        UPDATE saga_instances SET status = ${state.status}, current_step = ${state.currentStep},
          data = ${JSON.stringify(state.data)}, steps = ${JSON.stringify(state.steps)},
          version = ${saga.version + 1}, next_attempt_at = ${state.nextAttemptAt},
          failure_reason = ${state.failureReason}, updated_at = ${now}
        WHERE id = ${state.id} AND version = ${saga.version}
        RETURNING id
      ), logged AS (${logInsert(sql`(SELECT id FROM updated)`, lastSeq(state.id), log)}
      ), forgotten AS (
        DELETE FROM saga_secrets WHERE ${options.forgetSecrets} AND saga_id IN (SELECT id FROM updated)
      )
      SELECT id FROM updated`.execute(trx);
    if (rows.length !== 1) throw sagaConcurrentUpdate(state.id);
  }

  /** Appends rows without changing the state (e.g. an ignored reply). */
  async appendOnly(trx: Transaction<SagaDatabase>, id: string, log: SagaLogEntry[]): Promise<void> {
    await logInsert(sql`${id}::uuid`, lastSeq(id), log).execute(trx);
  }

  async timeline(db: SagaExecutor, id: string): Promise<SagaLogRow[]> {
    return db
      .selectFrom('saga_log')
      .select(['seq', 'step', 'action', 'status', 'command_id as commandId', 'payload', 'error', 'at'])
      .where('saga_id', '=', id)
      .orderBy('seq')
      .execute();
  }

  /**
   * Sagas whose next attempt is due, oldest first, locked until the transaction ends. SKIP LOCKED:
   * a row another orchestrator (another replica) has locked is passed over instead of waited for,
   * and once that one commits, the row's next attempt has moved on and it is no longer due, so two
   * sweepers never resend the same step at once.
   */
  async lockDue(trx: Transaction<SagaDatabase>, now: Date, limit: number): Promise<StoredSaga[]> {
    const rows = await trx
      .selectFrom('saga_instances')
      .selectAll()
      .where('status', 'in', ['running', 'compensating'])
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map(toStored);
  }

  /**
   * Whether the last send of what the saga awaits (its current step's command or compensation) is
   * still in the outbox, unpublished. Uses the outbox's partial index of unpublished rows.
   */
  async awaitedSendQueued(trx: SagaExecutor, state: SagaState): Promise<boolean> {
    const step = state.steps[state.currentStep];
    const awaited =
      state.status === 'compensating'
        ? step?.compensationCommandId
        : step?.status === 'running'
          ? step.commandId
          : null;
    if (!awaited) return false;
    const row = await trx
      .selectFrom('outbox')
      .select('id')
      .where('published_at', 'is', null)
      .where('message_id', '=', awaited)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async countByStatus(db: SagaExecutor): Promise<Record<SagaStatus, number>> {
    const rows = await db
      .selectFrom('saga_instances')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
    const counts = { running: 0, compensating: 0, completed: 0, compensated: 0, failed: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }
}

function toStored(row: Selectable<SagaInstancesTable>): StoredSaga {
  return {
    state: {
      id: row.id,
      type: row.type,
      definitionVersion: row.definition_version,
      status: row.status,
      currentStep: row.current_step,
      data: row.data,
      steps: (row.steps as StepState[]).map(withScheduleFields),
      correlationId: row.correlation_id,
      nextAttemptAt: row.next_attempt_at,
      failureReason: row.failure_reason,
    },
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Steps stored before resend schedules were kept lack their fields: nothing is known of them. */
function withScheduleFields(step: StepState): StepState {
  return {
    ...step,
    lastSentAt: step.lastSentAt ?? null,
    nextSendAt: step.nextSendAt ?? null,
    deadline: step.deadline ?? null,
  };
}

/** The saga's last log row number, read in the statement that appends after it. */
function lastSeq(id: string): RawBuilder<number> {
  return sql<number>`(SELECT coalesce(max(seq), 0) FROM saga_log WHERE saga_id = ${id})`;
}

/**
 * INSERT of log rows numbered after `after`, for saga `sagaId` (a value or a subquery: a row is
 * written only when it yields one). The entries travel as one JSON array, in order.
 */
function logInsert(sagaId: RawBuilder<unknown>, after: RawBuilder<number>, log: SagaLogEntry[]) {
  const entries = log.map((entry) => ({
    step: entry.step,
    action: entry.action,
    status: entry.status,
    command_id: entry.commandId,
    payload: entry.payload ?? null,
    error: entry.error,
  }));
  return sql`
    INSERT INTO saga_log (saga_id, seq, step, action, status, command_id, payload, error)
    SELECT saga.id, ${after} + e.ord, e.entry->>'step', e.entry->>'action', e.entry->>'status',
      e.entry->>'command_id', nullif(e.entry->'payload', 'null'::jsonb), e.entry->>'error'
    FROM (SELECT ${sagaId} AS id) saga,
      jsonb_array_elements(${JSON.stringify(entries)}::jsonb) WITH ORDINALITY AS e(entry, ord)
    WHERE saga.id IS NOT NULL`;
}
