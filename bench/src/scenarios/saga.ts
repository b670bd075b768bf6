import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES } from '@conveyor/devstack';
import { createDatabase } from '@conveyor/events';
import { createTestDatabase } from '@conveyor/infra-local/testing';
import pg from 'pg';
import { rawCommits } from '../baselines/raw-commits.ts';
import { type BenchContext, sized } from '../context.ts';
import { httpLoad } from '../measure/http-load.ts';
import { formatCount } from '../measure/progress.ts';
import { perSecond } from '../measure/stats.ts';
import { type ResultRow, rateRatio, resultRow } from '../scenario.ts';
import { committedTransactions, sagaCounts, waitSettled } from '../stack/saga-queries.ts';

/** The business transactions of a 3-step saga: the start, then each step's command and reply. */
export const COMMITS_PER_SAGA = 7;
const RAW_CLIENTS = 8;
/** POSTs in flight at once: "as fast as possible" without a queue of thousands of sockets. */
const CONNECTIONS = 64;

/**
 * 2,000 create-order sagas (reserve stock → charge → confirm) started as fast as POST /orders on
 * the orders service takes them, with users, orders, inventory and payments as separate processes;
 * timed from the first POST to the last saga settled. The baseline is what Postgres commits per
 * second here (a pgbench-like loop) divided by the 7 commits a 3-step saga needs.
 */
export async function sagaScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const count = sized(ctx, 2_000, 50);
  const bench = await ctx.stack();
  const progress = ctx.progress('saga');
  const server = new pg.Pool({ connectionString: ctx.infra.databaseUrl, max: 1 });
  const rawDatabase = await createTestDatabase(ctx.infra.databaseUrl, 'bench_saga_raw');
  const rawDb = createDatabase<unknown>({ url: rawDatabase.url, maxConnections: RAW_CLIENTS });
  try {
    const raw = await rawCommits(rawDb, { clients: RAW_CLIENTS, count: sized(ctx, 20_000, 1_000) }, progress);
    const databases = SERVICE_NAMES.map((s) => bench.stack.databaseName(s));
    const settledBefore = Object.values(await sagaCounts(bench.orders)).reduce((a, b) => a + b, 0);
    const transactionsBefore = await committedTransactions(server, databases);
    const ordersUrl = `${bench.stack.url('orders')}/orders`;
    const { value, report } = await ctx.phase(
      'saga',
      { processes: bench.processes(SERVICE_NAMES) },
      async () => {
        const posted = await httpLoad(
          { count, connections: CONNECTIONS, label: 'POST /orders' },
          (i) => ({
            method: 'POST',
            url: ordersUrl,
            headers: bench.user(i).headers,
            body: bench.orderBody(i),
          }),
          progress,
        );
        if ((posted.statuses[202] ?? 0) !== count)
          throw new Error(`POST /orders answered ${JSON.stringify(posted.statuses)}`);
        const counts = await waitSettled(
          bench.orders,
          settledBefore + count,
          progress,
          sized(ctx, 600_000, 120_000),
        );
        return { posted, counts };
      },
    );
    progress.done();
    await sleep(2_500); // backends flush their transaction counts at most once a second
    const transactions = (await committedTransactions(server, databases)) - transactionsBefore;

    const figure = perSecond(count, report.elapsedMs);
    const baseline = raw.commitsPerSecond / COMMITS_PER_SAGA;
    // The CPU a saga costs, process by process: at 300 sagas/s on 2 cores the whole budget is 6.7 ms.
    const cpuPerSaga = (report.cpu ?? [])
      .filter((c) => c.cpuSeconds >= 0.05)
      .map((c) => ({ group: c.group, ms: (c.cpuSeconds * 1000) / count }));
    return [
      resultRow({
        name: 'saga',
        scenario: 'saga',
        figure: {
          value: figure,
          unit: 'sagas/s',
          what: `${formatCount(count)} create-order sagas started at once, first POST → last settled`,
        },
        baseline: {
          value: baseline,
          unit: 'sagas/s',
          what: `raw commits/s (${RAW_CLIENTS} clients) ÷ ${COMMITS_PER_SAGA} commits per 3-step saga`,
        },
        ratio: rateRatio(figure, baseline),
        targets: [{ on: 'figure', atLeast: 300 }],
        details: {
          sagas: count,
          outcome: value.counts,
          postsPerSecond: value.posted.requestsPerSecond,
          postP99Ms: value.posted.p99Ms,
          rawCommitsPerSecond: raw.commitsPerSecond,
          sagasPerRawCommitPerSecond: figure / raw.commitsPerSecond,
          transactionsPerSaga: transactions / count,
          cpuMsPerSaga: Object.fromEntries(cpuPerSaga.map((c) => [c.group, c.ms])),
        },
        notes: [
          `transactions committed per saga (4 databases): ${(transactions / count).toFixed(1)}`,
          `cpu per saga (ms): ${cpuPerSaga.map((c) => `${c.group} ${c.ms.toFixed(1)}`).join(', ')}`,
        ],
        phase: report,
      }),
    ];
  } finally {
    progress.done();
    await rawDb.destroy();
    await rawDatabase.drop();
    await server.end();
  }
}
