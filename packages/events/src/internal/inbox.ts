import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import type { IncomingMessage } from '../messages/envelope.ts';
import { eventsView } from '../outbox/outbox.ts';
import type { AnyMessageHandler } from './erase-handlers.ts';
import { propertyOf } from './guards.ts';

export type ApplyResult =
  | { status: 'applied' }
  | { status: 'duplicate' }
  | { status: 'failed'; error: unknown };

/**
 * Runs `effect` in the transaction that records (consumer, message id) in the inbox, so the effect
 * commits at most once per consumer. The insert is `ON CONFLICT DO NOTHING`: a second delivery
 * (or a concurrent one in another process, which waits on the first one's row lock) finds the row
 * and skips the effect.
 *
 * Only the effect's own failure is reported as `failed` (it counts toward dead-lettering).
 * A failure of the inbox insert or of the commit is the database's, not the message's: it is
 * thrown, so the message is redelivered later instead of being dead-lettered during an outage.
 */
export async function applyOnce<DB extends EventsDatabase>(
  db: Kysely<DB>,
  consumer: string,
  messageId: string,
  effect: (trx: Transaction<DB>) => Promise<void>,
): Promise<ApplyResult> {
  let effectFailure: { error: unknown } | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const recorded = await eventsView(trx)
        .insertInto('inbox')
        .values({ consumer, message_id: messageId })
        .onConflict((oc) => oc.columns(['consumer', 'message_id']).doNothing())
        .returning('message_id')
        .executeTakeFirst();
      if (!recorded) return { status: 'duplicate' } as const;
      try {
        await effect(trx);
        // Postgres answers COMMIT of an aborted transaction with a silent ROLLBACK: a handler that
        // swallowed a failed statement would otherwise see its message acknowledged with neither
        // the effect nor the inbox row. This statement fails in an aborted transaction.
        await sql`SELECT 1`.execute(trx);
      } catch (error) {
        effectFailure = { error };
        throw error;
      }
      return { status: 'applied' } as const;
    });
  } catch (error) {
    if (effectFailure) return { status: 'failed', error: effectFailure.error };
    throw error;
  }
}

/** How long a batch transaction waits for a row lock before it is applied one message at a time. */
const BATCH_LOCK_TIMEOUT = '100ms';

/** SQLSTATEs of a transaction that lost a lock conflict: a deadlock, a lock wait past lock_timeout. */
const LOCK_CONFLICTS = new Set(['40P01', '55P03']);

/** Whether an error is a lost lock conflict: the message is not at fault, and runs again at once. */
export function isLockConflict(error: unknown): boolean {
  return LOCK_CONFLICTS.has(String(propertyOf(error, 'code')));
}

/** One message's effect, as applyBatchOnce runs it. */
export interface InboxEffect<DB extends EventsDatabase> {
  messageId: string;
  run(trx: Transaction<DB>): Promise<void>;
  /**
   * Consecutive effects with the same batch handler run as one call of it with their messages,
   * those recorded before left out (`run` is then not called).
   */
  batch?: {
    handler: AnyMessageHandler<Transaction<DB>, readonly IncomingMessage[]>;
    message: IncomingMessage;
  };
}

export type BatchApplyResult =
  | { status: 'applied' }
  /**
   * An effect failed and the whole batch rolled back: the one at `index`, or, when `index` is
   * undefined, one that swallowed the error of a statement (which one cannot be told), or one of
   * those a batch call that began at `index` was given (`inBatch`).
   */
  | { status: 'failed'; index: number | undefined; inBatch?: boolean; error: unknown };

/**
 * Records the messages' ids in the inbox with one statement and runs, in order, the effects of
 * those it had not recorded before, all in one transaction: the inbox rows and the effects commit
 * together or not at all. An id seen twice runs once.
 *
 * An effect's failure rolls the whole batch back and is reported with its index; a failure of the
 * inbox insert or of the commit is the database's and is thrown, as in applyOnce.
 */
export async function applyBatchOnce<DB extends EventsDatabase>(
  db: Kysely<DB>,
  consumer: string,
  effects: readonly InboxEffect<DB>[],
  /**
   * Called after each effect: kafkajs heartbeats only when its interval is due, and a batch that
   * outlasts the group session without one loses its partitions in the middle of its transaction.
   */
  heartbeat: () => Promise<void> = async () => undefined,
): Promise<BatchApplyResult> {
  let effectFailure: { index: number | undefined; inBatch?: boolean; error: unknown } | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const ids = effects.map((e) => e.messageId);
      // The batch's effects lock rows in message order, and another batch (of another consumer in
      // the same database) may lock the same rows in another order: rather than wait for the
      // deadlock detector (1 s by default), a batch gives up after BATCH_LOCK_TIMEOUT, and its
      // messages are applied one at a time. Set in this statement, so that it costs no round trip.
      const recorded = await sql<{ message_id: string }>`
        WITH timeout AS (SELECT set_config('lock_timeout', ${BATCH_LOCK_TIMEOUT}, true))
        INSERT INTO inbox (consumer, message_id) SELECT ${consumer}, id
        FROM timeout, unnest(${ids}::text[]) AS id
        ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`.execute(trx);
      const fresh = new Set(recorded.rows.map((row) => row.message_id));
      for (let index = 0; index < effects.length; ) {
        const effect = effects[index];
        if (!effect || !fresh.delete(effect.messageId)) {
          index++;
          continue;
        }
        const { batch } = effect;
        const messages = batch ? [batch.message] : [];
        let next = index + 1;
        for (; batch && next < effects.length && effects[next]?.batch?.handler === batch.handler; next++) {
          const same = effects[next];
          if (same?.batch && fresh.delete(same.messageId)) messages.push(same.batch.message);
        }
        try {
          await (batch ? batch.handler(messages, trx) : effect.run(trx));
        } catch (error) {
          effectFailure = { index, inBatch: messages.length > 1, error };
          throw error;
        }
        await heartbeat();
        index = batch ? next : index + 1;
      }
      try {
        // As in applyOnce, this fails if an effect swallowed the error of a failed statement. It
        // also lifts the lock timeout before COMMIT: a commit that NOTIFYs (the outbox trigger, while
        // the relay is idle) waits for Postgres' one notify lock of the whole cluster, a wait that is
        // no lock conflict of the batch's; timed out there, the whole batch was rolled back and
        // redone one message at a time.
        await sql`SET LOCAL lock_timeout TO DEFAULT`.execute(trx);
      } catch (error) {
        effectFailure = { index: undefined, error };
        throw error;
      }
      return { status: 'applied' } as const;
    });
  } catch (error) {
    if (effectFailure) return { status: 'failed', ...effectFailure };
    // The inbox insert waited past the lock timeout (a copy of a message being applied elsewhere).
    if (isLockConflict(error)) return { status: 'failed', index: undefined, error };
    throw error;
  }
}
