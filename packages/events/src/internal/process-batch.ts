import type { EventsDatabase } from '../db/tables.ts';
import { applyBatchOnce, isLockConflict } from './inbox.ts';
import type { ConsumedRecord } from './incoming-message.ts';
import {
  applyPrepared,
  type PreparedMessage,
  type ProcessContext,
  prepareMessage,
} from './process-message.ts';

/** What the caller of processRecords does with Kafka: resolve offsets, heartbeat. */
export interface BatchControl {
  /** Marks the record and every one before it in its partition as processed. */
  resolve(record: ConsumedRecord): void;
  heartbeat(): Promise<void>;
}

/**
 * Processes consecutive records of one partition: the messages to apply run in one transaction
 * with their inbox rows (one round trip records them all), so a batch costs a few statements
 * more than its effects instead of five per message. Offsets are resolved only after the commit:
 * a crash anywhere before it redelivers the batch and nothing of it was applied.
 *
 * When a handler fails, the batch rolls back; the messages before it are applied again as a batch,
 * the failed one on its own (retried with backoff, then dead-lettered, its batch try counted as its
 * first attempt), and the rest as a batch. The handlers before it have then run twice: only what
 * they wrote through `trx` counts, and the first run's writes were rolled back. A database failure
 * is thrown, and the records from the failed batch on stay unresolved.
 *
 * An undecodable message is dead-lettered in its place: the batch before it commits first, so
 * offsets stay resolved in order. Returns false when the runner stopped during a backoff (the
 * rest of the records stay unresolved).
 */
export async function processRecords<DB extends EventsDatabase>(
  context: ProcessContext<DB>,
  records: readonly ConsumedRecord[],
  control: BatchControl,
): Promise<boolean> {
  const prepared: PreparedMessage<DB>[] = [];
  for (const record of records) prepared.push(await prepareMessage(context.options, record));
  let run: PreparedMessage<DB>[] = [];
  for (const entry of prepared) {
    if (entry.kind !== 'undecodable') {
      run.push(entry);
      continue;
    }
    if (!(await applyRun(context, run, control))) return false;
    run = [];
    await applyPrepared(context, entry, control.heartbeat);
    control.resolve(entry.record);
  }
  return applyRun(context, run, control);
}

async function applyRun<DB extends EventsDatabase>(
  context: ProcessContext<DB>,
  run: readonly PreparedMessage<DB>[],
  control: BatchControl,
): Promise<boolean> {
  const last = run.at(-1);
  if (!last) return true;
  const toApply = run.flatMap((entry) => (entry.kind === 'apply' ? [entry] : []));
  const [only] = toApply;
  if (!only || toApply.length === 1) return oneAtATime(context, run, control);
  const { db, name, logger } = context.options;
  const result = await applyBatchOnce(
    db,
    name,
    toApply.map(({ incoming, handler, batch }) => ({
      messageId: incoming.messageId,
      run: (trx) => handler(incoming, trx),
      ...(batch ? { batch: { handler: batch, message: incoming } } : {}),
    })),
    control.heartbeat,
  );
  if (result.status === 'applied') {
    control.resolve(last.record);
    return true;
  }
  const failed = result.index === undefined ? undefined : toApply[result.index];
  logger.warn(
    { ...(failed ?? only).where, messages: toApply.length, err: result.error },
    'message handler failed in a batch; the batch rolled back',
  );
  // A lost lock conflict is not the message's fault: no attempt counted, no backoff. A batch
  // handler's call does not say which of its messages failed: one at a time tells.
  if (!failed || result.inBatch || isLockConflict(result.error)) return oneAtATime(context, run, control);
  // The messages before the failed one run again as a batch, the failed one alone with the
  // attempt it used counted, the rest as a batch again.
  const at = run.indexOf(failed);
  if (!(await applyRun(context, run.slice(0, at), control))) return false;
  const outcome = await applyPrepared(context, failed, control.heartbeat, { error: result.error });
  if (outcome === 'abandoned') return false;
  control.resolve(failed.record);
  return applyRun(context, run.slice(at + 1), control);
}

async function oneAtATime<DB extends EventsDatabase>(
  context: ProcessContext<DB>,
  run: readonly PreparedMessage<DB>[],
  control: BatchControl,
): Promise<boolean> {
  for (const entry of run) {
    if ((await applyPrepared(context, entry, control.heartbeat)) === 'abandoned') return false;
    control.resolve(entry.record);
    // Between transactions, as between batches: messages applied one by one can outlast the session.
    await control.heartbeat();
  }
  return true;
}
