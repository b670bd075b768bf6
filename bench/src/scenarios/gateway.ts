import { type BenchContext, sized } from '../context.ts';
import { type HttpCall, httpLoad, type LoadResult } from '../measure/http-load.ts';
import type { Progress } from '../measure/progress.ts';
import { type ResultRow, rateRatio, resultRow } from '../scenario.ts';
import type { BenchStack } from '../stack/bench-stack.ts';
import { sagaCounts, waitSettled } from '../stack/saga-queries.ts';

const CONNECTIONS = 20;

/**
 * The gateway (token verified, rate limits on but raised for the run, routing, balancing,
 * proxying) vs the same request sent to the service direct: GET a product, and POST an order
 * (which starts a saga: each POST run waits for its sagas to settle, so that the next run does not
 * share the machine with them).
 */
export async function gatewayScenario(ctx: BenchContext): Promise<ResultRow[]> {
  const bench = await ctx.stack();
  const progress = ctx.progress('gateway');
  try {
    const product = bench.products[0];
    if (!product) throw new Error('the catalogue has no product');
    const gateway = bench.stack.url('gateway');
    const getDirect = (i: number): HttpCall => ({
      method: 'GET',
      url: `${bench.stack.url('inventory')}/products/${product.id}`,
      headers: bench.user(i).headers,
    });
    const getThrough = (i: number): HttpCall => ({
      ...getDirect(i),
      url: `${gateway}/api/products/${product.id}`,
    });
    const postDirect = (i: number): HttpCall => ({
      method: 'POST',
      url: `${bench.stack.url('orders')}/orders`,
      headers: bench.user(i).headers,
      body: bench.orderBody(i),
    });
    const postThrough = (i: number): HttpCall => ({ ...postDirect(i), url: `${gateway}/api/orders` });

    const gets = sized(ctx, 5_000, 200);
    const posts = sized(ctx, 1_000, 50);
    const load = (label: string, count: number, make: (i: number) => HttpCall, expected: number) =>
      checked(httpLoad({ count, connections: CONNECTIONS, label }, make, progress), expected, label);

    // Warm-up: JIT, connection pools and the gateway's upstream health state.
    await load('warm-up direct', sized(ctx, 300, 20), getDirect, 200);
    await load('warm-up gateway', sized(ctx, 300, 20), getThrough, 200);
    const directGet = await load('GET direct', gets, getDirect, 200);
    const gatewayGet = await ctx.phase(
      'gateway GET',
      { processes: bench.processes(['gateway', 'inventory']) },
      () => load('GET via gateway', gets, getThrough, 200),
    );
    const directPost = await settling(bench, progress, () => load('POST direct', posts, postDirect, 202));
    const gatewayPost = await settling(bench, progress, () =>
      ctx.phase('gateway POST', { processes: bench.processes(['gateway', 'orders']) }, () =>
        load('POST via gateway', posts, postThrough, 202),
      ),
    );
    progress.done();

    const row = (name: string, route: string, through: LoadResult, direct: LoadResult) =>
      resultRow({
        name,
        scenario: 'gateway',
        figure: {
          value: through.requestsPerSecond,
          unit: 'req/s',
          what: `${route} through the gateway, ${CONNECTIONS} connections`,
        },
        baseline: {
          value: direct.requestsPerSecond,
          unit: 'req/s',
          what: 'the same request to the service direct',
        },
        ratio: rateRatio(through.requestsPerSecond, direct.requestsPerSecond),
        targets: [{ on: 'ratio', atLeast: 0.6 }],
        details: {
          requests: through.count,
          gatewayP50Ms: through.p50Ms,
          gatewayP99Ms: through.p99Ms,
          directP50Ms: direct.p50Ms,
          directP99Ms: direct.p99Ms,
        },
      });
    return [
      {
        ...row('gateway GET', 'GET /api/products/:id', gatewayGet.value, directGet),
        phase: gatewayGet.report,
      },
      {
        ...row('gateway POST', 'POST /api/orders', gatewayPost.value, directPost),
        phase: gatewayPost.report,
      },
    ];
  } finally {
    progress.done();
  }
}

async function checked(result: Promise<LoadResult>, expected: number, label: string): Promise<LoadResult> {
  const done = await result;
  if ((done.statuses[expected] ?? 0) !== done.count)
    throw new Error(`${label}: expected ${expected} for all, got ${JSON.stringify(done.statuses)}`);
  return done;
}

/** Runs a POST load (timed by the load itself), then waits until its sagas have settled. */
async function settling<T>(bench: BenchStack, progress: Progress, run: () => Promise<T>): Promise<T> {
  const result = await run();
  // A 202 means the saga exists: wait until every saga there is has settled.
  const started = Object.values(await sagaCounts(bench.orders)).reduce((a, b) => a + b, 0);
  await waitSettled(bench.orders, started, progress, 600_000);
  return result;
}
