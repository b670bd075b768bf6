import { type Kysely, sql, type Transaction } from 'kysely';
import type { EventsDatabase } from '../db/tables.ts';
import { eventsView } from '../outbox/outbox.ts';

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

/** One message's effect, as applyBatchOnce runs it. */
export interface InboxEffect<DB extends EventsDatabase> {
  messageId: string;
  run(trx: Transaction<DB>): Promise<void>;
}

export type BatchApplyResult =
  | { status: 'applied' }
  /**
   * An effect failed and the whole batch rolled back: the one at `index`, or, when `index` is
   * undefined, one that swallowed the error of a statement (which one cannot be told).
   */
  | { status: 'failed'; index: number | undefined; error: unknown };

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
): Promise<BatchApplyResult> {
  let effectFailure: { index: number | undefined; error: unknown } | undefined;
  try {
    return await db.transaction().execute(async (trx) => {
      const ids = effects.map((e) => e.messageId);
      const recorded = await sql<{ message_id: string }>`
        INSERT INTO inbox (consumer, message_id) SELECT ${consumer}, unnest(${ids}::text[])
        ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`.execute(trx);
      const fresh = new Set(recorded.rows.map((row) => row.message_id));
      for (const [index, effect] of effects.entries()) {
        if (!fresh.delete(effect.messageId)) continue;
        try {
          await effect.run(trx);
        } catch (error) {
          effectFailure = { index, error };
          throw error;
        }
      }
      try {
        // As in applyOnce: this fails if an effect swallowed the error of a failed statement.
        await sql`SELECT 1`.execute(trx);
      } catch (error) {
        effectFailure = { index: undefined, error };
        throw error;
      }
      return { status: 'applied' } as const;
    });
  } catch (error) {
    if (effectFailure) return { status: 'failed', ...effectFailure };
    throw error;
  }
}
