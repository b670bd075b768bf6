import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bearer } from '@conveyor/http/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_PRODUCTS } from '../src/db/seed-products.ts';
import { createTestEnvironment, eventually } from './support/world.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface ServiceProcess {
  child: ChildProcess;
  /** stdout lines that parsed as JSON (pino). */
  logs: Record<string, unknown>[];
  output(): string;
  exited: Promise<number | null>;
}

function startMain(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/inventory/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let text = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, logs, output: () => text, exited };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('inventory main.ts as a process', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('starts, becomes ready, serves the catalogue over HTTP and exits 0 on SIGTERM', async () => {
    const environment = await createTestEnvironment();
    cleanups.push(() => environment.database.drop());
    const port = await freePort();
    // JWT_SECRET empty: the development secret, which bearer() signs with, whatever the runner has.
    const service = startMain({ ...environment.env, PORT: String(port), LOG_LEVEL: 'info', JWT_SECRET: '' });
    cleanups.push(async () => {
      if (service.child.exitCode === null) service.child.kill('SIGKILL');
      await service.exited;
    });
    const base = `http://127.0.0.1:${port}`;

    const ready = await eventually(
      '/ready',
      async () => {
        if (service.child.exitCode !== null) throw new Error(`exited early: ${service.output()}`);
        const response = await fetch(`${base}/ready`).catch(() => undefined);
        return response?.status === 200 && response;
      },
      25_000,
    );
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    // It serves before its consumers have joined their groups; the drain below stops them too.
    await eventually(
      '/ready/messaging',
      async () => (await fetch(`${base}/ready/messaging`).catch(() => undefined))?.status === 200,
      25_000,
    );

    const response = await fetch(`${base}/products?limit=5`, {
      headers: { 'x-correlation-id': 'e2e-products-1' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('e2e-products-1');
    const page = (await response.json()) as { items: { id: string }[]; total: number; totalPages: number };
    expect(page).toMatchObject({ total: SEED_PRODUCTS.length, totalPages: 2 });
    expect(page.items).toHaveLength(5);

    const [product] = page.items;
    const stock = `${base}/products/${product?.id}/stock`;
    expect((await fetch(stock)).status).toBe(401);
    expect((await fetch(stock, { headers: bearer(randomUUID()) })).status).toBe(403);
    expect((await fetch(stock, { headers: bearer(randomUUID(), ['admin']) })).status).toBe(200);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('outbox_backlog_messages');
    expect(metrics).toContain('http_request_duration_seconds_bucket');
    expect((await fetch(`${base}/docs/json`)).status).toBe(200);

    service.child.kill('SIGTERM');
    expect(await service.exited, service.output()).toBe(0);
    expect(
      service.logs.find((l) => l.correlationId === 'e2e-products-1' && l.msg === 'request completed'),
    ).toMatchObject({ service: 'inventory', res: { statusCode: 200 } });
    expect(service.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['listening', 'shutting down', 'consumer stopped', 'stopped']),
    );
    // Both consumers left their groups before the process exited.
    expect(service.logs.filter((l) => l.msg === 'consumer stopped')).toHaveLength(2);
  });

  it('exits 1 with a one-line message naming a bad variable', async () => {
    const service = startMain({
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      KAFKA_BROKERS: '127.0.0.1:1',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      PORT: 'eighty',
    });
    expect(await service.exited).toBe(1);
    expect(service.output().trim()).toBe('inventory: PORT must be a port number; got "eighty"');
  });

  it.each([
    ['on a non-loopback HOST', { HOST: '0.0.0.0' }],
    ['with NODE_ENV=production', { NODE_ENV: 'production' }],
  ])('refuses the development secret %s: exit 1, one line naming JWT_SECRET', async (_case, overrides) => {
    const service = startMain({
      DATABASE_URL: 'postgres://127.0.0.1:1/none',
      KAFKA_BROKERS: '127.0.0.1:1',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
      JWT_SECRET: '',
      ...overrides,
    });
    expect(await service.exited).toBe(1);
    expect(service.output().trim().split('\n')).toEqual([
      expect.stringMatching(/^inventory: JWT_SECRET is required \(a secret of your own when /),
    ]);
  });
});
