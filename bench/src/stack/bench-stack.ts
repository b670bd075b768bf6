import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevStack, SERVICE_NAMES, type StackMember } from '@conveyor/devstack';
import { bearer } from '@conveyor/http/testing';
import type { InfraEndpoints } from '@conveyor/infra-local';
import { eventually, uniqueName } from '@conveyor/infra-local/testing';
import pg from 'pg';
import { call, keepAliveAgent } from '../measure/http-load.ts';
import type { ProfiledProcess } from '../measure/phase.ts';
import { receiveStock } from './stock.ts';

const preload = fileURLToPath(new URL('../profiling/cpu-profile-preload.mjs', import.meta.url));

/** A user that registered itself: its id is its token's sub. */
export interface BenchUser {
  id: string;
  headers: { authorization: string };
}

export interface BenchProduct {
  id: string;
  priceCents: number;
}

export const SHIPPING_ADDRESS = {
  street: '1 Bench Road',
  city: 'Loopback',
  postalCode: '12700',
  country: 'DE',
};

export interface BenchStackOptions {
  infra: InfraEndpoints;
  rootDir: string;
  /** Start the gateway (only the gateway scenario needs it). */
  gateway: boolean;
  users: number;
  /** Units to receive per product, so that no order of the run lacks stock. */
  stockPerProduct: number;
  /** Profile directory: each process loads the SIGUSR2 profiler (cpu-profile-preload.mjs). */
  profileDir?: string;
}

/**
 * The four services (and the gateway when asked) as separate processes through @conveyor/devstack,
 * on fresh databases and a fresh topic namespace, with users registered and known to orders and
 * stock received for every product.
 */
export class BenchStack {
  private constructor(
    readonly stack: DevStack,
    readonly logDir: string,
    readonly users: BenchUser[],
    readonly products: BenchProduct[],
    readonly orders: pg.Pool,
    readonly hasGateway: boolean,
  ) {}

  static async start(options: BenchStackOptions): Promise<BenchStack> {
    const name = uniqueName('bench').toLowerCase();
    const logDir = mkdtempSync(join(tmpdir(), 'conveyor-bench-'));
    const stack = new DevStack({
      rootDir: options.rootDir,
      infra: options.infra,
      databasePrefix: name,
      topicNamespace: name,
      ports: 'free',
      logDir,
      gateway: options.gateway,
      env: memberEnv(options),
    });
    try {
      await stack.start();
      const users = await registerUsers(stack, options.users);
      const products = await stockedProducts(stack, options.stockPerProduct);
      const orders = new pg.Pool({ connectionString: stack.databaseUrl('orders'), max: 2 });
      return new BenchStack(stack, logDir, users, products, orders, options.gateway);
    } catch (error) {
      await stack.stop();
      await stack.dropDatabases();
      throw error;
    }
  }

  /** The running service processes (and the gateway), to profile and to name in the CPU breakdown. */
  processes(members: readonly StackMember[] = [...SERVICE_NAMES, 'gateway']): ProfiledProcess[] {
    return members.flatMap((member) =>
      member === 'gateway' && !this.hasGateway
        ? []
        : this.stack.replicasOf(member).flatMap((p) => (p.pid ? [{ name: p.spec.name, pid: p.pid }] : [])),
    );
  }

  /** The body of POST /orders: one unit of a product, chosen round-robin. */
  orderBody(index: number) {
    const product = this.products[index % this.products.length] as BenchProduct;
    return { items: [{ productId: product.id, quantity: 1 }], shippingAddress: SHIPPING_ADDRESS };
  }

  user(index: number): BenchUser {
    return this.users[index % this.users.length] as BenchUser;
  }

  async stop(): Promise<void> {
    await this.orders.end();
    await this.stack.stop();
    await this.stack.dropDatabases();
  }
}

function memberEnv(options: BenchStackOptions): Partial<Record<StackMember, NodeJS.ProcessEnv>> {
  // Resends would only add to a burst's queue (a reply can take seconds under 2,000 sagas): the
  // bench measures the path a saga takes, so the first resend waits 30 s and a step's deadline is far.
  const orders = {
    ORDERS_SAGA_RESEND_INITIAL_MS: '30000',
    ORDERS_SAGA_RESEND_MAX_MS: '30000',
    ORDERS_SAGA_STEP_DEADLINE_MS: '600000',
  };
  // Limits raised for the run: the bench is one client sending far more than a user would.
  const gateway = { RATE_LIMIT_MAX: '100000000' };
  const env: Partial<Record<StackMember, NodeJS.ProcessEnv>> = { orders, gateway };
  if (options.profileDir) {
    const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
    for (const member of [...SERVICE_NAMES, 'gateway'] as const) {
      env[member] = {
        ...env[member],
        NODE_OPTIONS: `${inherited}--import=${preload}`,
        BENCH_PROFILE_DIR: options.profileDir,
        BENCH_PROFILE_NAME: member,
      };
    }
  }
  return env;
}

async function registerUsers(stack: DevStack, count: number): Promise<BenchUser[]> {
  const agent = keepAliveAgent(8);
  try {
    const users: BenchUser[] = [];
    for (let i = 0; i < count; i++) {
      const id = randomUUID();
      const headers = bearer(id);
      const created = await call(agent, {
        method: 'POST',
        url: `${stack.url('users')}/users`,
        headers,
        body: {
          email: `bench-${i}-${id.slice(0, 8)}@example.com`,
          profile: { firstName: 'Bench', lastName: `User ${i}` },
          preferences: { language: 'en' },
        },
      });
      if (created.status !== 201) throw new Error(`POST /users answered ${created.status}: ${created.body}`);
      users.push({ id, headers });
    }
    // user.created travels users → Kafka → orders; orders refuses orders of users it does not know.
    const known = new pg.Pool({ connectionString: stack.databaseUrl('orders'), max: 1 });
    try {
      await eventually(
        `orders to know the ${count} bench users`,
        async () => {
          const { rows } = await known.query<{ n: string }>(
            'SELECT count(*) AS n FROM order_users WHERE user_id = ANY($1::uuid[])',
            [users.map((u) => u.id)],
          );
          return Number(rows[0]?.n) === count || undefined;
        },
        60_000,
        200,
      );
    } finally {
      await known.end();
    }
    return users;
  } finally {
    agent.destroy();
  }
}

/** Every product of the catalogue whose price a charge accepts, with stock received for the run. */
async function stockedProducts(stack: DevStack, perProduct: number): Promise<BenchProduct[]> {
  const agent = keepAliveAgent(1);
  try {
    const answer = await call(agent, { method: 'GET', url: `${stack.url('inventory')}/products?limit=100` });
    if (answer.status !== 200) throw new Error(`GET /products answered ${answer.status}: ${answer.body}`);
    const { items } = JSON.parse(answer.body) as { items: BenchProduct[] };
    // The fake provider declines a charge above 1,000.00 EUR.
    const products = items.filter((p) => p.priceCents <= 100_000);
    await receiveStock(
      stack.databaseUrl('inventory'),
      products.map((p) => p.id),
      perProduct,
    );
    return products;
  } finally {
    agent.destroy();
  }
}
