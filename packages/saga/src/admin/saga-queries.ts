import { type Kysely, sql } from 'kysely';
import type { SagaDatabase } from '../db/tables.ts';
import { sagaNotFound } from '../errors.ts';
import { SAGA_STATUSES, type SagaState, type StepState } from '../saga-state.ts';
import { SagaStore } from '../saga-store.ts';
import { redactSecrets } from '../secrets.ts';
import { invalidListFilter } from './admin-errors.ts';
import {
  SAGA_LIST_LIMITS,
  type SagaDetailView,
  type SagaListFilter,
  type SagaPageView,
  type SagaSummaryView,
} from './admin-schemas.ts';
import { decodeCursor, encodeCursor, isUuid } from './cursor.ts';

export type { SagaListFilter };

const store = new SagaStore();

/**
 * Sagas newest first, filtered by status, type and age (now - created_at), paged by an opaque
 * cursor over (created_at DESC, id DESC): a page never repeats or skips a saga, even when sagas
 * are started while an operator pages. Throws SAGA_INVALID_FILTER / SAGA_INVALID_CURSOR (400).
 */
export async function listSagas(
  db: Kysely<SagaDatabase>,
  filter: SagaListFilter = {},
  now: Date = new Date(),
): Promise<SagaPageView> {
  assertValidFilter(filter);
  const limit = filter.limit ?? SAGA_LIST_LIMITS.defaultLimit;
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  let query = db
    .selectFrom('saga_instances')
    .select([
      'id',
      'type',
      'status',
      'current_step',
      'steps',
      'correlation_id',
      'failure_reason',
      'created_at',
      'updated_at',
      sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'),
    ]);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.type !== undefined) query = query.where('type', '=', filter.type);
  if (filter.correlationId !== undefined) query = query.where('correlation_id', '=', filter.correlationId);
  const { ref } = filter;
  // No index serves it: for an operator's search, a scan of the filtered sagas is acceptable.
  if (ref !== undefined)
    query = query.where(
      sql<boolean>`EXISTS (SELECT 1 FROM jsonb_each_text(data) AS field WHERE field.value = ${ref})`,
    );
  if (filter.minAgeMs !== undefined)
    query = query.where('created_at', '<=', new Date(now.getTime() - filter.minAgeMs));
  if (filter.maxAgeMs !== undefined)
    query = query.where('created_at', '>=', new Date(now.getTime() - filter.maxAgeMs));
  if (after) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('created_at', 'id'),
        '<',
        eb.tuple(sql<Date>`${after.createdAt}::timestamptz`, sql<string>`${after.id}::uuid`),
      ),
    );
  }
  // One row more than asked tells whether another page follows.
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      ...summary({
        id: row.id,
        type: row.type,
        status: row.status,
        currentStep: row.current_step,
        steps: row.steps as StepState[],
        correlationId: row.correlation_id,
        failureReason: row.failure_reason,
      }),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      ageMs: now.getTime() - row.created_at.getTime(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
  };
}

/**
 * One saga with its steps and its whole log, read as one snapshot. Throws SAGA_NOT_FOUND (404).
 * Fields named in `secretFields` are redacted in its data and in every log payload: new rows are
 * stored redacted already, rows written before a field was marked secret are not.
 */
export async function getSaga(
  db: Kysely<SagaDatabase>,
  id: string,
  now: Date = new Date(),
  secretFields: ReadonlySet<string> = new Set(),
): Promise<SagaDetailView> {
  // Not a uuid: it cannot exist, and Postgres would refuse the comparison with an error.
  if (!isUuid(id)) throw sagaNotFound(id);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const saga = await store.load(trx, id);
      if (!saga) throw sagaNotFound(id);
      const timeline = await store.timeline(trx, id);
      const { state } = saga;
      return {
        ...summary(state),
        createdAt: saga.createdAt.toISOString(),
        updatedAt: saga.updatedAt.toISOString(),
        ageMs: now.getTime() - saga.createdAt.getTime(),
        currentStepIndex: state.currentStep,
        data: redactSecrets(state.data, secretFields),
        steps: state.steps,
        nextAttemptAt: state.nextAttemptAt?.toISOString() ?? null,
        version: saga.version,
        definitionVersion: state.definitionVersion,
        timeline: timeline.map((row) => ({
          seq: row.seq,
          at: row.at.toISOString(),
          step: row.step,
          action: row.action,
          status: row.status,
          commandId: row.commandId,
          payload: redactSecrets(row.payload, secretFields),
          error: row.error,
        })),
      };
    });
}

/** The short form of a saga: what the list shows and what an operator action answers. */
export function summary(
  state: Pick<
    SagaState,
    'id' | 'type' | 'status' | 'currentStep' | 'steps' | 'correlationId' | 'failureReason'
  >,
): SagaSummaryView {
  return {
    id: state.id,
    type: state.type,
    status: state.status,
    currentStep: state.steps[state.currentStep]?.name ?? null,
    correlationId: state.correlationId,
    failureReason: state.failureReason,
  };
}

/** The HTTP schema checks the same bounds; callers in code get the same answer. */
function assertValidFilter(filter: SagaListFilter): void {
  const { limit, minAgeMs, maxAgeMs, status } = filter;
  const { maxLimit, maxAgeMs: maxAge } = SAGA_LIST_LIMITS;
  if (status !== undefined && !SAGA_STATUSES.includes(status))
    throw invalidListFilter('status', `must be one of ${SAGA_STATUSES.join(', ')}`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= maxLimit))
    throw invalidListFilter('limit', `must be an integer from 1 to ${maxLimit}`);
  for (const [field, value] of [
    ['minAgeMs', minAgeMs],
    ['maxAgeMs', maxAgeMs],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= maxAge))
      throw invalidListFilter(field, `must be an integer from 0 to ${maxAge}`);
  }
  if (minAgeMs !== undefined && maxAgeMs !== undefined && minAgeMs > maxAgeMs)
    throw invalidListFilter('minAgeMs', `(${minAgeMs}) must not exceed maxAgeMs (${maxAgeMs})`);
}
