import type { EventsDatabase, Json } from '@conveyor/events';
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { SagaStatus, StepState } from '../saga-state.ts';

export interface SagaInstancesTable {
  id: string;
  type: string;
  /** The definition version the saga runs on (SagaState.definitionVersion). */
  definition_version: ColumnType<number, number | undefined, never>;
  status: SagaStatus;
  current_step: number;
  data: Json;
  steps: Json<StepState[]>;
  correlation_id: string;
  /** Optimistic concurrency: every transition bumps it. */
  version: number;
  /** When the sweeper next acts: the awaited send's resend or its step's deadline (SagaState.nextAttemptAt). */
  next_attempt_at: Date | null;
  failure_reason: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: Date;
}

export interface SagaLogTable {
  saga_id: string;
  seq: number;
  step: string | null;
  action: string;
  status: string;
  command_id: string | null;
  payload: Json | null;
  error: string | null;
  at: Generated<Date>;
}

/** A running saga's secrets (SagaSecrets); the row goes when the saga completes or is compensated. */
export interface SagaSecretsTable {
  saga_id: string;
  secrets: Json<Record<string, string>>;
}

/** The orchestrator's tables, beside the events tables (its outbox sends the commands). */
export interface SagaDatabase extends EventsDatabase {
  saga_instances: SagaInstancesTable;
  saga_log: SagaLogTable;
  saga_secrets: SagaSecretsTable;
}

/**
 * A host service's database seen through the saga tables only. Kysely's types are invariant in the
 * schema, so a `Kysely<OrdersDatabase>` is not a `Kysely<SagaDatabase>` although it holds its tables.
 */
export function sagaView<DB extends SagaDatabase>(db: Kysely<DB>): Kysely<SagaDatabase> {
  return db as unknown as Kysely<SagaDatabase>;
}

/** A host's transaction seen through the saga tables only (see sagaView). */
export function sagaTransaction<DB extends SagaDatabase>(trx: Transaction<DB>): Transaction<SagaDatabase> {
  return trx as unknown as Transaction<SagaDatabase>;
}
