import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { formatCount, type Progress } from '../measure/progress.ts';

export type SagaCounts = Record<string, number>;

/** Sagas of the orders database by status. */
export async function sagaCounts(orders: pg.Pool): Promise<SagaCounts> {
  const { rows } = await orders.query<{ status: string; n: string }>(
    'SELECT status, count(*) AS n FROM saga_instances GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

const settled = (counts: SagaCounts) =>
  (counts.completed ?? 0) + (counts.compensated ?? 0) + (counts.failed ?? 0);

/**
 * Polls until `expected` sagas in all are completed, compensated or failed (failed waits for an
 * operator: it is as far as a saga goes on its own). Throws with the counts after the timeout.
 */
export async function waitSettled(
  orders: pg.Pool,
  expected: number,
  progress: Progress,
  timeoutMs: number,
): Promise<SagaCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await sagaCounts(orders);
    const done = settled(counts);
    progress.update(
      `${formatCount(done)}/${formatCount(expected)} sagas settled (${JSON.stringify(counts)})`,
    );
    if (done >= expected) return counts;
    if (Date.now() > deadline)
      throw new Error(
        `only ${done} of ${expected} sagas settled within ${timeoutMs / 1000} s: ${JSON.stringify(counts)}`,
      );
    await sleep(100);
  }
}

/**
 * Start → completed of each completed saga among `sagaIds`, from the saga log: the `saga running`
 * row (written in the create-order transaction) and the `saga completed` row. `at` is the time
 * its transaction began, so each figure is a hair short of the wall time.
 */
export async function completedLatencies(orders: pg.Pool, sagaIds: readonly string[]): Promise<number[]> {
  const { rows } = await orders.query<{ ms: number }>(
    `SELECT extract(epoch FROM (done.at - began.at)) * 1000 AS ms
       FROM saga_log began JOIN saga_log done ON done.saga_id = began.saga_id
      WHERE began.saga_id = ANY($1::uuid[])
        AND began.action = 'saga' AND began.status = 'running'
        AND done.action = 'saga' AND done.status = 'completed'`,
    [sagaIds],
  );
  return rows.map((r) => Number(r.ms));
}

/**
 * Transactions committed (pg_stat_database.xact_commit) in the databases, summed: read-only ones
 * (a relay's poll) count too. A backend flushes its counts at most once a second, so read a couple
 * of seconds after the work to see all of it.
 */
export async function committedTransactions(server: pg.Pool, databases: readonly string[]): Promise<number> {
  await server.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await server.query<{ n: string }>(
    'SELECT coalesce(sum(xact_commit), 0) AS n FROM pg_stat_database WHERE datname = ANY($1)',
    [databases],
  );
  return Number(rows[0]?.n ?? 0);
}
