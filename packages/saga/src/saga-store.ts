import type { Kysely, Selectable, Transaction } from 'kysely';
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

/** A stored log entry: what `decide` logged, numbered and timed by the store. */
export interface SagaLogRow extends SagaLogEntry {
  seq: number;
  at: Date;
}

/** Reads and writes saga instances and their append-only log. */
export class SagaStore {
  /** Inserts a new saga and its first log rows. */
  async insert(trx: SagaExecutor, state: SagaState, log: SagaLogEntry[], now: Date): Promise<void> {
    await trx
      .insertInto('saga_instances')
      .values({
        id: state.id,
        type: state.type,
        definition_version: state.definitionVersion,
        status: state.status,
        current_step: state.currentStep,
        data: JSON.stringify(state.data),
        steps: JSON.stringify(state.steps),
        correlation_id: state.correlationId,
        version: 1,
        next_attempt_at: state.nextAttemptAt,
        failure_reason: state.failureReason,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await this.appendLog(trx, state.id, 0, log);
  }

  /** Keeps a new saga's secrets apart from its data; nothing is written when there are none. */
  async insertSecrets(trx: SagaExecutor, id: string, secrets: SagaSecrets): Promise<void> {
    if (Object.keys(secrets).length === 0) return;
    await trx
      .insertInto('saga_secrets')
      .values({ saga_id: id, secrets: JSON.stringify(secrets) })
      .execute();
  }

  /** A saga's secrets, for the orchestrator's commands only (admin queries never call this). */
  async secrets(trx: SagaExecutor, id: string): Promise<SagaSecrets> {
    const row = await trx
      .selectFrom('saga_secrets')
      .select('secrets')
      .where('saga_id', '=', id)
      .executeTakeFirst();
    return row?.secrets ?? {};
  }

  /** Forgets a saga's secrets once it has ended: no later command can need them. */
  async deleteSecrets(trx: SagaExecutor, id: string): Promise<void> {
    await trx.deleteFrom('saga_secrets').where('saga_id', '=', id).execute();
  }

  /** Loads a saga and locks its row until the transaction ends (transitions are serialised). */
  async loadForUpdate(trx: Transaction<SagaDatabase>, id: string): Promise<StoredSaga | undefined> {
    const row = await trx
      .selectFrom('saga_instances')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row && toStored(row);
  }

  async load(db: SagaExecutor, id: string): Promise<StoredSaga | undefined> {
    const row = await db.selectFrom('saga_instances').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toStored(row);
  }

  /** Writes the new state if the version still matches, and appends the log rows. */
  async update(
    trx: Transaction<SagaDatabase>,
    saga: StoredSaga,
    state: SagaState,
    log: SagaLogEntry[],
    now: Date,
  ) {
    const result = await trx
      .updateTable('saga_instances')
      .set({
        status: state.status,
        current_step: state.currentStep,
        data: JSON.stringify(state.data),
        steps: JSON.stringify(state.steps),
        version: saga.version + 1,
        next_attempt_at: state.nextAttemptAt,
        failure_reason: state.failureReason,
        updated_at: now,
      })
      .where('id', '=', state.id)
      .where('version', '=', saga.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw sagaConcurrentUpdate(state.id);
    await this.appendLog(trx, state.id, await this.lastSeq(trx, state.id), log);
  }

  /** Appends rows without changing the state (e.g. an ignored reply). */
  async appendOnly(trx: Transaction<SagaDatabase>, id: string, log: SagaLogEntry[]): Promise<void> {
    await this.appendLog(trx, id, await this.lastSeq(trx, id), log);
  }

  async timeline(db: SagaExecutor, id: string): Promise<SagaLogRow[]> {
    const rows = await db
      .selectFrom('saga_log')
      .selectAll()
      .where('saga_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      seq: r.seq,
      step: r.step,
      action: r.action,
      status: r.status,
      commandId: r.command_id,
      payload: r.payload,
      error: r.error,
      at: r.at,
    }));
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

  private async lastSeq(trx: SagaExecutor, id: string): Promise<number> {
    const row = await trx
      .selectFrom('saga_log')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('saga_id', '=', id)
      .executeTakeFirst();
    return Number(row?.seq ?? 0);
  }

  private async appendLog(trx: SagaExecutor, id: string, after: number, log: SagaLogEntry[]): Promise<void> {
    if (log.length === 0) return;
    await trx
      .insertInto('saga_log')
      .values(
        log.map((entry, i) => ({
          saga_id: id,
          seq: after + i + 1,
          step: entry.step,
          action: entry.action,
          status: entry.status,
          command_id: entry.commandId,
          payload:
            entry.payload === null || entry.payload === undefined ? null : JSON.stringify(entry.payload),
          error: entry.error,
        })),
      )
      .execute();
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
