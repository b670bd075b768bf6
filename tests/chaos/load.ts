import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEVELOPMENT_JWT_SECRET, signToken } from '@conveyor/http';
import type { Intent, PlannedOrder, Product } from './plan.ts';

export interface User {
  id: string;
  token: string;
}

/** One POST /api/orders of the load, as the client saw it. */
export interface OrderRequest {
  index: number;
  intent: Intent;
  /** ms after the load started. */
  sentAtMs: number;
  answeredAtMs: number;
  /** 'accepted' (202), another HTTP status, 'network' (no answer) or 'timeout' (client gave up). */
  result: 'accepted' | 'network' | 'timeout' | `${number}`;
  /** The problem's code of a refusal (e.g. GATEWAY_UPSTREAM_UNAVAILABLE, GATEWAY_UPSTREAM_BUSY): who refused and why. */
  code?: string;
  orderId?: string;
}

export interface LoadOptions {
  gatewayUrl: string;
  plan: readonly PlannedOrder[];
  users: readonly User[];
  /** The instant the plan's times count from (Date.now()). */
  startedAt: number;
  /** At most this many requests in flight; orders due beyond it are counted as skipped. @default 64 */
  maxInFlight?: number;
  /** How long the client waits for an answer. @default 10000 */
  timeoutMs?: number;
}

export interface LoadResult {
  requests: OrderRequest[];
  /** Orders not sent because too many were in flight (the stack was not answering). */
  skipped: number;
}

const address = { street: '1 Chaos Lane', city: 'Entropy', postalCode: '00000', country: 'DE' };

export async function call(
  method: string,
  url: string,
  token: string,
  body?: unknown,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
) {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
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

/** A token signed in process with the development secret, as the token CLI would sign it. */
export function devToken(sub: string, roles: string[]): string {
  return signToken(
    { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
    { sub, roles },
    { issuedAt: Date.now(), ttlSeconds: 7_200 },
  );
}

/**
 * Users created through the gateway, each known to orders, each with its own token. A user record
 * is bound to the token's sub, so each registers itself; tokens are signed in process (a tsx
 * process per user would add seconds to every run).
 */
export async function createUsers(gatewayUrl: string, count: number, runId: string): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const token = devToken(id, ['user']);
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

/** The public catalogue, as the load orders from it. */
export async function fetchCatalogue(gatewayUrl: string, token: string): Promise<Product[]> {
  const page = await call('GET', `${gatewayUrl}/api/products?limit=100`, token);
  if (page.status !== 200)
    throw new Error(`reading the catalogue: ${page.status} ${JSON.stringify(page.json)}`);
  return (page.json.items as Product[]).map(({ id, priceCents, available }) => ({
    id,
    priceCents,
    available,
  }));
}

/**
 * Sends the planned orders through the gateway, each at its time, each with its own
 * Idempotency-Key (as a careful client does, so the gateway may send it to another replica when
 * the first cannot be reached).
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { gatewayUrl, users, startedAt } = options;
  const maxInFlight = options.maxInFlight ?? 64;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const requests: OrderRequest[] = [];
  let skipped = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  for (const order of options.plan) {
    const wait = startedAt + order.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    if (inFlight >= maxInFlight) {
      skipped++;
      continue;
    }
    const body = {
      items: [{ productId: order.productId, quantity: order.quantity }],
      shippingAddress: address,
      ...(order.intent === 'declined' ? { paymentToken: 'tok_decline' } : {}),
    };
    const request: OrderRequest = {
      index: order.index,
      intent: order.intent,
      sentAtMs: Date.now() - startedAt,
      answeredAtMs: 0,
      result: 'network',
    };
    requests.push(request);
    inFlight++;
    const p = call('POST', `${gatewayUrl}/api/orders`, users[order.user]!.token, body, {
      timeoutMs,
      headers: { 'idempotency-key': randomUUID() },
    })
      .then((response) => {
        if (response.status === 202) {
          request.result = 'accepted';
          request.orderId = response.json.orderId;
        } else {
          request.result = `${response.status}`;
          if (typeof response.json?.code === 'string') request.code = response.json.code;
        }
      })
      .catch((error: unknown) => {
        request.result = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network';
      })
      .finally(() => {
        request.answeredAtMs = Date.now() - startedAt;
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  }
  await Promise.all(pending);
  return { requests, skipped };
}
