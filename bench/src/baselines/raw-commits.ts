import { type Kysely, sql } from 'kysely';
import type { Progress } from '../measure/progress.ts';
import { formatCount } from '../measure/progress.ts';
import { perSecond, runConcurrently } from '../measure/stats.ts';

/** Creates the table the raw commits insert into. */
export async function createRawCommitTable(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS bench_raw_commits (
    id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
}

/**
 * A pgbench-like loop in Node: `clients` loops each committing single-row INSERTs (autocommit: one
 * round trip, one WAL flush each) on the given pool, `count` in all. What Postgres on this machine
 * commits per second: the floor under any transactional work.
 */
export async function rawCommits(
  db: Kysely<unknown>,
  options: { clients: number; count: number },
  progress: Progress,
): Promise<{ commitsPerSecond: number; elapsedMs: number }> {
  await createRawCommitTable(db);
  const data = JSON.stringify({ type: 'RawCommit', data: { v: 1 } });
  let done = 0;
  const began = Date.now();
  await runConcurrently(options.count, options.clients, async (i) => {
    await sql`INSERT INTO bench_raw_commits (stream_id, data) VALUES (${`raw-${i % options.clients}`}, ${data})`.execute(
      db,
    );
    done++;
    progress.update(`raw commits ${formatCount(done)}/${formatCount(options.count)}`);
  });
  const elapsedMs = Date.now() - began;
  return { commitsPerSecond: perSecond(options.count, elapsedMs), elapsedMs };
}
