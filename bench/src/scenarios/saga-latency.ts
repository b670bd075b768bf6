import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_NAMES } from '@conveyor/devstack';
import { CHAIN_HOPS, rawChainLatencies } from '../baselines/raw-chain.ts';
import { type BenchContext, sized } from '../context.ts';
import { call, type HttpAnswer, keepAliveAgent } from '../measure/http-load.ts';
import { formatCount } from '../measure/progress.ts';
import { quantile } from '../measure/stats.ts';
import { latencyRatio, type ResultRow, resultRow } from '../scenario.ts';
import { hopBreakdown } from '../stack/hop-breakdown.ts';
import { completedLatencies, sagaCounts, waitSettled } from '../stack/saga-queries.ts';

const fmt = (ms: number) => ms.toFixed(1);

/** One row per quantile of start → completed, each with the bound. */
const LATENCY_TARGETS = [
  { label: 'p50', q: 0.5, atMostMs: 40 },
  { label: 'p99', q: 0.99, atMostMs: 150 },
] as const;

/**
 * Sagas started at a steady 20 per second for 30 s (open loop: each POST leaves on its schedule,
 * whether the earlier ones have answered or not); start → completed from the saga log. The
 * baseline is the same chain of 7 commits and 6 Kafka hops with raw clients (raw-chain.ts).
 */
export async function sagaLatencyScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const rate = sized(ctx, 20, 10);
  const seconds = sized(ctx, 30, 3);
  const total = rate * seconds;
  const bench = await ctx.stack();
  const progress = ctx.progress('saga-latency');
  const agent = keepAliveAgent(64);
  try {
    const chains = await rawChainLatencies(ctx.infra, sized(ctx, 50, 10), progress);
    const settledBefore = Object.values(await sagaCounts(bench.orders)).reduce((a, b) => a + b, 0);
    const ordersUrl = `${bench.stack.url('orders')}/orders`;
    const { value: answers, report } = await ctx.phase(
      'saga-latency',
      { processes: bench.processes(SERVICE_NAMES) },
      async () => {
        const began = performance.now();
        const sent: Promise<HttpAnswer>[] = [];
        for (let i = 0; i < total; i++) {
          const due = began + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          sent.push(
            call(agent, {
              method: 'POST',
              url: ordersUrl,
              headers: bench.user(i).headers,
              body: bench.orderBody(i),
            }),
          );
          progress.update(`started ${formatCount(i + 1)}/${formatCount(total)} sagas at ${rate}/s`);
        }
        const answers = await Promise.all(sent);
        const rejected = answers.filter((a) => a.status !== 202);
        if (rejected.length > 0)
          throw new Error(
            `${rejected.length} POST /orders answered ${rejected[0]?.status}: ${rejected[0]?.body}`,
          );
        await waitSettled(bench.orders, settledBefore + total, progress, 120_000);
        return answers;
      },
    );
    progress.done();
    const sagaIds = answers.map((a) => (JSON.parse(a.body) as { sagaId: string }).sagaId);
    const latencies = await completedLatencies(bench.orders, sagaIds);
    const hops = await hopBreakdown(bench, sagaIds);

    const details = {
      sagas: total,
      ratePerSecond: rate,
      seconds,
      completed: latencies.length,
      meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(latencies.length, 1),
      maxMs: Math.max(...latencies),
      rawChains: chains.length,
      hops,
    };
    const what = `start → completed (saga log), ${rate} sagas/s for ${seconds} s`;
    const baselineWhat = `raw chain: 7 commits + ${CHAIN_HOPS} Kafka hops, one after another`;
    // The first row carries the run's details and the hop breakdown; the others only their figure.
    const firstRowExtras = {
      details,
      notes: [
        'each step, stretch by stretch (p50 / p99 / max ms, from outbox and inbox rows):',
        ...hops.map((h) => `  ${h.step}, ${h.segment}: ${fmt(h.p50Ms)} / ${fmt(h.p99Ms)} / ${fmt(h.maxMs)}`),
      ],
      phase: report,
    };
    return LATENCY_TARGETS.map(({ label, q, atMostMs }, i) => {
      const figure = quantile(latencies, q);
      const baseline = quantile(chains, q);
      return resultRow({
        name: `saga-latency ${label}`,
        scenario: 'saga-latency',
        figure: { value: figure, unit: 'ms', what },
        baseline: { value: baseline, unit: 'ms', what: `${baselineWhat}, ${label}` },
        ratio: latencyRatio(figure, baseline),
        targets: [{ on: 'figure', atMost: atMostMs }],
        ...(i === 0 ? firstRowExtras : { details: {} }),
      });
    });
  } finally {
    progress.done();
    agent.destroy();
  }
}
