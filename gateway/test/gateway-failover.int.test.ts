import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  type Echo,
  type RunningGateway,
  startGateway,
  tokenFor,
} from './support/gateway-under-test.ts';
import { call, eventually } from './support/http.ts';
import { freePort, startUpstream, type UpstreamProcess } from './support/upstream-process.ts';

const auth = bearer(tokenFor('u-1'));
const TIMEOUT_MS = 1_500;
let a: UpstreamProcess;
let b: UpstreamProcess;
let steady: UpstreamProcess;
let deadUrl: string;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  let deadPort: number;
  [a, b, steady, deadPort] = await Promise.all([
    startUpstream('orders-a'),
    startUpstream('orders-b'),
    startUpstream('orders-steady'),
    freePort(),
  ]);
  deadUrl = `http://127.0.0.1:${deadPort}`;
});

afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await Promise.all([a?.kill(), b?.kill(), steady?.kill()]);
});

async function gatewayFor(orders: string[], options: Parameters<typeof startGateway>[0] = {}) {
  const gateway = await startGateway({
    upstreams: { users: [deadUrl], orders, inventory: [deadUrl] },
    upstreamTimeoutMs: TIMEOUT_MS,
    ...options,
  });
  gateways.push(gateway);
  return gateway;
}

const requestsSeen = async (upstream: UpstreamProcess, url: string) =>
  (await call<{ url: string }[]>(upstream.url, '/__log')).body.filter((r) => r.url === url).length;

describe('two instances of a service', () => {
  it('keeps serving through the survivor, answers 503 when both are gone, and recovers when one returns', async () => {
    const gateway = await gatewayFor([a.url, b.url], {
      ejectAfterFailures: 2,
      ejectCooldownMs: 300,
    });
    const get = () => call<Echo>(gateway.url, '/api/orders/o-1', { headers: auth });

    const both = await Promise.all([get(), get(), get(), get()]);
    expect(new Set(both.map((r) => r.body.name))).toEqual(new Set(['orders-a', 'orders-b']));

    await a.kill();
    for (let i = 0; i < 10; i++) {
      const answer = await get();
      expect(answer.status).toBe(200);
      expect(answer.body.name).toBe('orders-b');
    }
    const health = await call<{
      services: { orders: { status: string; instances: Record<string, number> } };
    }>(gateway.url, '/health');
    expect(health.body.services.orders).toMatchObject({
      status: 'degraded',
      instances: { total: 2, up: 1, ejected: 1 },
    });

    await b.kill();
    for (let i = 0; i < 5; i++) {
      const answer = await get();
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(TIMEOUT_MS);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        status: 503,
        code: 'GATEWAY_UPSTREAM_UNAVAILABLE',
        details: { service: 'orders' },
      });
      expect(String((answer.body as unknown as { detail: string }).detail)).toContain('orders');
    }
    expect((await call(gateway.url, '/health')).status).toBe(503);

    await a.start();
    const recovered = await eventually('traffic to reach the restarted instance', async () => {
      const answer = await get();
      return answer.status === 200 ? answer : undefined;
    });
    expect(recovered.body.name).toBe('orders-a');
    for (let i = 0; i < 5; i++) expect((await get()).status).toBe(200);
  });
});

describe('retries', () => {
  it('retries a GET on the next instance but never re-sends a POST', async () => {
    // The dead instance is never ejected here, so every other attempt goes to it.
    const gateway = await gatewayFor([deadUrl, steady.url], {
      ejectAfterFailures: 1_000,
    });
    for (let i = 0; i < 4; i++) {
      const answer = await call<Echo>(gateway.url, '/api/orders/o-2', { headers: auth });
      expect(answer.status).toBe(200);
    }
    const posts = [];
    for (let i = 0; i < 4; i++)
      posts.push(
        await call(gateway.url, `/api/orders?n=${i}`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{}',
        }),
      );
    const statuses = posts.map((p) => p.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    const refused = posts.find((p) => p.status === 503);
    expect(refused?.body).toMatchObject({ details: { service: 'orders', reason: 'connect-failed' } });
    for (let i = 0; i < 4; i++) {
      const reached = await requestsSeen(steady, `/orders?n=${i}`);
      expect(reached).toBe(posts[i]?.status === 200 ? 1 : 0);
    }
  });

  it('sends a POST carrying an Idempotency-Key that could not connect to the other instance, once', async () => {
    const gateway = await gatewayFor([deadUrl, steady.url], {
      ejectAfterFailures: 1_000,
    });
    for (let i = 0; i < 4; i++) {
      const answer = await call<Echo>(gateway.url, `/api/orders?keyed=${i}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `key-${i}` },
        body: '{}',
      });
      expect(answer.status).toBe(200);
      expect(answer.body.headers['idempotency-key']).toBe(`key-${i}`);
      expect(await requestsSeen(steady, `/orders?keyed=${i}`)).toBe(1);
    }
  });

  it('moves requests that may be repeated off a frozen instance after the attempt timeout', async () => {
    const frozen = await startUpstream('orders-frozen');
    try {
      const gateway = await gatewayFor([frozen.url, steady.url], {
        upstreamTimeoutMs: 3_000,
        upstreamAttemptTimeoutMs: 400,
      });
      frozen.signal('SIGSTOP');
      const answers = [];
      for (let i = 0; i < 6; i++) {
        answers.push(await call<Echo>(gateway.url, '/api/orders/o-3', { headers: auth }));
        answers.push(
          await call<Echo>(gateway.url, `/api/orders?frozen=${i}`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `frozen-${i}` },
            body: '{}',
          }),
        );
      }
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body.name).toBe('orders-steady');
        expect(answer.ms).toBeLessThan(1_500);
      }
    } finally {
      await frozen.kill();
    }
  });

  it('answers 504 when the upstream is slower than the timeout, without trying again', async () => {
    const gateway = await gatewayFor([steady.url], { upstreamTimeoutMs: 400 });
    const answer = await call(gateway.url, '/api/orders/slow?__delayMs=3000', { headers: auth });
    expect(answer.status).toBe(504);
    expect(answer.ms).toBeLessThan(1_500);
    expect(answer.body).toMatchObject({
      code: 'GATEWAY_UPSTREAM_TIMEOUT',
      details: { service: 'orders', timeoutMs: 400 },
    });
    expect(await requestsSeen(steady, '/orders/slow?__delayMs=3000')).toBe(1);
  });
});

describe('a circuit per instance', () => {
  it('keeps a service answering while one replica dies, and readmits it once its /ready answers', async () => {
    // A cool-down far beyond the test: only the readiness probe can bring the instance back.
    const gateway = await gatewayFor([a.url, b.url], {
      ejectAfterFailures: 2,
      ejectCooldownMs: 120_000,
      readinessProbeIntervalMs: 200,
    });
    if (!(await isUp(a))) await a.start();
    if (!(await isUp(b))) await b.start();
    const get = () => call<Echo>(gateway.url, '/api/orders/o-9', { headers: auth });

    await a.kill();
    const during = await Promise.all(Array.from({ length: 20 }, () => get()));
    expect(during.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const ejected = await call<{ services: { orders: { instances: Record<string, number> } } }>(
      gateway.url,
      '/health',
    );
    expect(ejected.body.services.orders.instances).toMatchObject({ ejected: 1 });

    await a.start();
    const back = await eventually('the restarted replica to be readmitted', async () => {
      const answer = await get();
      return answer.body.name === 'orders-a' ? answer : undefined;
    });
    expect(back.status).toBe(200);
    const names = new Set((await Promise.all([get(), get(), get(), get()])).map((r) => r.body.name));
    expect(names).toEqual(new Set(['orders-a', 'orders-b']));
  });
});

async function isUp(upstream: UpstreamProcess): Promise<boolean> {
  try {
    return (await call(upstream.url, '/health')).status === 200;
  } catch {
    return false;
  }
}
