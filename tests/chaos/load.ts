import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEVELOPMENT_JWT_SECRET, signToken } from '@conveyor/http';

/** What the load generator meant an order to do. */
export type Intent = 'ok' | 'out-of-stock' | 'declined';

export interface LoadOptions {
  gatewayUrl: string;
  rootDir: string;
  /** Orders per second. */
  rate: number;
  durationMs: number;
  /** Seeded PRNG for the mix (same seed → same sequence of intents). */
  random: () => number;
  users?: number;
  /** At most this many requests in flight; further ticks are counted as skipped. @default 64 */
  maxInFlight?: number;
}

export interface LoadResult {
  /** Requests sent, by intent. */
  sent: Record<Intent, number>;
  /** Accepted (202) orders: id → intent. */
  accepted: Map<string, Intent>;
  /** Refused or failed requests by HTTP status or error ('network'). */
  refused: Record<string, number>;
  skipped: number;
}

const address = { street: '1 Chaos Lane', city: 'Entropy', postalCode: '00000', country: 'DE' };

async function call(method: string, url: string, token: string, body?: unknown, timeoutMs = 10_000) {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

interface Product {
  id: string;
  priceCents: number;
  available: number;
}

/**
 * Users created through the gateway, each known to orders, each with its own token. A user record
 * is bound to the token's sub, so each registers itself; tokens are signed in process with the
 * development secret, as the CLI does (a tsx process per user would add seconds to every run).
 */
export async function createUsers(gatewayUrl: string, count: number, runId: string) {
  const users: { id: string; token: string }[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const token = signToken(
      { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
      { sub: id, roles: ['user'] },
      { issuedAt: Date.now(), ttlSeconds: 7_200 },
    );
    const created = await call('POST', `${gatewayUrl}/api/users`, token, {
      email: `chaos-${runId}-${i}@example.com`,
      profile: { firstName: `Chaos${i}`, lastName: 'Monkey' },
      preferences: { language: 'en' },
    });
    if (created.status !== 201)
      throw new Error(`creating a user: ${created.status} ${JSON.stringify(created.json)}`);
    users.push({ id, token });
  }
  const deadline = Date.now() + 60_000;
  for (const user of users) {
    for (;;) {
      const list = await call('GET', `${gatewayUrl}/api/users/${user.id}/orders`, user.token).catch(
        () => undefined,
      );
      if (list?.status === 200 && list.json.user) break;
      if (Date.now() > deadline) throw new Error(`orders did not learn user ${user.id} within 60 s`);
      await sleep(200);
    }
  }
  return users;
}

/**
 * Places orders through the gateway at a steady rate: ~70% one unit of a cheap product in stock,
 * ~15% more units than the scarce product has, ~15% with the declining payment token.
 */
export async function runLoad(
  options: LoadOptions,
  users: { id: string; token: string }[],
): Promise<LoadResult> {
  const { gatewayUrl, random } = options;
  const products = (await call('GET', `${gatewayUrl}/api/products?limit=100`, users[0]!.token)).json
    .items as Product[];
  // The scarce product (fewest units) for out-of-stock orders; cheap, well stocked ones for the rest
  // (the fake provider declines charges above 1,000.00 EUR).
  const scarce = products.reduce((a, b) => (b.available < a.available ? b : a));
  const cheap = products
    .filter((p) => p.id !== scarce.id && p.priceCents < 50_000)
    .sort((a, b) => b.available - a.available)
    .slice(0, 6);
  const result: LoadResult = {
    sent: { ok: 0, 'out-of-stock': 0, declined: 0 },
    accepted: new Map(),
    refused: {},
    skipped: 0,
  };
  const maxInFlight = options.maxInFlight ?? 64;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const interval = 1000 / options.rate;
  const started = Date.now();
  for (let i = 0; ; i++) {
    const due = started + i * interval;
    if (due - started >= options.durationMs) break;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const r = random();
    const intent: Intent = r < 0.7 ? 'ok' : r < 0.85 ? 'out-of-stock' : 'declined';
    const user = users[Math.floor(random() * users.length)]!;
    const product = intent === 'out-of-stock' ? scarce : cheap[Math.floor(random() * cheap.length)]!;
    if (inFlight >= maxInFlight) {
      result.skipped++;
      continue;
    }
    const body = {
      items: [
        {
          productId: product.id,
          quantity: intent === 'out-of-stock' ? scarce.available + 1 + Math.floor(random() * 5) : 1,
        },
      ],
      shippingAddress: address,
      ...(intent === 'declined' ? { paymentToken: 'tok_decline' } : {}),
    };
    result.sent[intent]++;
    inFlight++;
    const p = call('POST', `${gatewayUrl}/api/orders`, user.token, body)
      .then((response) => {
        if (response.status === 202) result.accepted.set(response.json.orderId, intent);
        else result.refused[String(response.status)] = (result.refused[String(response.status)] ?? 0) + 1;
      })
      .catch(() => {
        result.refused.network = (result.refused.network ?? 0) + 1;
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  }
  await Promise.all(pending);
  return result;
}
