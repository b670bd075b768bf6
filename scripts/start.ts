/**
 * `npm start [-- --replicas N] [--tracing]`: brings the infra up, runs the four services (N
 * processes of each, or CONVEYOR_REPLICAS; one by default) and the gateway as separate processes,
 * creates a demo user, and prints the URLs, a token for the demo user and a sample request. With
 * tracing (`--tracing`, CONVEYOR_TRACING=1, or ZIPKIN_URL set) Zipkin comes up too (or ZIPKIN_URL
 * is used), every process sends its spans there, and a sample order is placed and its trace URL
 * printed. Runs until Ctrl-C / SIGTERM, then stops the services and whatever infra it started itself.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DevStack, REPLICAS_VARIABLE, replicasOf, SERVICE_NAMES } from '@conveyor/devstack';
import { loadGatewayConfig } from '@conveyor/gateway';
import {
  down,
  endpointEnv,
  findZipkinTrace,
  isInfraError,
  loadInfraConfig,
  redact,
  up,
  zipkinTraceUrl,
} from '@conveyor/infra-local';
import { loadTelemetryConfig, TRACING_VARIABLE, ZIPKIN_URL_VARIABLE } from '@conveyor/telemetry';
import pg from 'pg';

const DEMO_EMAIL = 'demo@conveyor.dev';

const USAGE =
  `usage: npm start [-- --replicas N] [--tracing]   (N processes of each service, 1 to 9; or ${REPLICAS_VARIABLE}=N;` +
  ` traces in Zipkin: or ${TRACING_VARIABLE}=1, or ZIPKIN_URL for your own)`;

/**
 * The replica count from `--replicas N` or CONVEYOR_REPLICAS, and whether to trace (`--tracing`,
 * CONVEYOR_TRACING=1 or ZIPKIN_URL); a bad flag or value exits 2 with the reason.
 */
function fromCommandLine(): { replicas: number; tracing: boolean } {
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2),
      options: { replicas: { type: 'string' }, tracing: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    const tracing =
      values.tracing === true ||
      loadTelemetryConfig(process.env).tracing ||
      (process.env[ZIPKIN_URL_VARIABLE] ?? '').trim() !== '';
    return { replicas: replicasOf(values.replicas, process.env), tracing };
  } catch (error) {
    console.error(`npm start: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const { replicas, tracing } = fromCommandLine();
  // Before any infra or service starts, so that `npm start` stops at once with the gateway's own
  // one line (the development secret on a reachable GATEWAY_HOST, or with NODE_ENV=production).
  loadGatewayConfig(process.env);
  const config = loadInfraConfig();
  console.log(`Starting Conveyor infra (Kafka, schema registry, Postgres${tracing ? ', Zipkin' : ''})...`);
  const began = Date.now();
  const infra = await up(config, { tracing });
  for (const part of infra.parts) {
    console.log(
      `  ${part.name.padEnd(16)} ${redact(part.address)}  (${part.mode}${part.started ? ', started now' : ''})`,
    );
  }

  let stack: DevStack | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(
      `\n${signal}: stopping the services${infra.startedNow.length ? ` and ${infra.startedNow.join(', ')}` : ''}...`,
    );
    await stack?.stop();
    await down(config, infra.startedNow);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));

  const logDir = join(config.cacheDir, 'logs', 'services');
  const each = replicas === 1 ? '' : ` (${replicas} processes of each)`;
  console.log(`\nStarting users, inventory, payments, orders${each} and the gateway (logs in ${logDir})...`);
  const zipkinUrl = infra.endpoints.zipkinUrl;
  const tracingEnv = zipkinUrl ? { [TRACING_VARIABLE]: '1', ZIPKIN_URL: zipkinUrl } : {};
  stack = new DevStack({
    rootDir: config.rootDir,
    infra: infra.endpoints,
    logDir,
    replicas,
    env: {
      gateway: tracingEnv,
      users: tracingEnv,
      orders: tracingEnv,
      inventory: tracingEnv,
      payments: tracingEnv,
    },
  });
  try {
    await stack.start();
  } catch (error) {
    await down(config, infra.startedNow);
    throw error;
  }
  const { userId, token } = await demoUser(stack, config.rootDir);
  const products = (await (await fetch(`${stack.url('gateway')}/api/products?limit=2`)).json()) as {
    items: { id: string; name: string }[];
  };
  const product = products.items[0];

  console.log(`\nConveyor is up in ${((Date.now() - began) / 1000).toFixed(1)} s.\n`);
  console.log(
    `  gateway    ${stack.url('gateway')}   (/api/users, /api/orders, /api/products, /admin/sagas)`,
  );
  for (const service of SERVICE_NAMES)
    for (const url of stack.urls(service))
      console.log(`  ${service.padEnd(10)} ${url}   (docs: ${url}/docs)`);
  console.log('\nEnvironment of the infra:');
  for (const [key, value] of Object.entries(endpointEnv(infra.endpoints)))
    console.log(`  export ${key}=${value}`);
  console.log(
    `\nDemo user ${DEMO_EMAIL} (${userId}); its token (roles user, admin; 12 h):\n\n  export TOKEN=${token}\n`,
  );
  // The token rides in the fragment, which the browser never sends: it reaches no server log.
  console.log(
    `Saga inspector (signed in as the demo admin):\n\n  ${stack.url('gateway')}/admin#token=${token}\n`,
  );
  console.log('Place an order, then follow it:\n');
  console.log(
    `  curl -s -X POST ${stack.url('gateway')}/api/orders -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\\n` +
      `    -d '${JSON.stringify({ items: [{ productId: product?.id, quantity: 1 }], shippingAddress: { street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' } })}'`,
  );
  console.log(`  curl -s ${stack.url('gateway')}/api/orders/<orderId> -H "Authorization: Bearer $TOKEN"`);
  console.log(`  curl -s ${stack.url('gateway')}/admin/sagas -H "Authorization: Bearer $TOKEN"`);
  if (zipkinUrl) await sampleOrderTrace(stack, zipkinUrl, token, product?.id);
  console.log('\nPress Ctrl-C to stop.');
  setInterval(() => undefined, 1 << 30);
}

/** Places one order through the gateway and prints where Zipkin shows its trace. */
async function sampleOrderTrace(
  stack: DevStack,
  zipkinUrl: string,
  token: string,
  productId: string | undefined,
): Promise<void> {
  console.log(`\nTraces: ${zipkinUrl}/zipkin/ (Zipkin UI)`);
  if (productId === undefined) return;
  const place = () =>
    fetch(`${stack.url('gateway')}/api/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [{ productId, quantity: 1 }],
        shippingAddress: { street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
      }),
    });
  // A demo user registered a moment ago reaches orders through Kafka (user.created): until then
  // orders answers 404 and has written nothing, so asking again is safe.
  let response = await place();
  for (let tries = 1; response.status === 404 && tries < 30; tries++) {
    await sleep(500);
    response = await place();
  }
  const placed: unknown = await response.json();
  const sagaId = typeof placed === 'object' && placed !== null ? Reflect.get(placed, 'sagaId') : undefined;
  const orderId = typeof placed === 'object' && placed !== null ? Reflect.get(placed, 'orderId') : undefined;
  if (response.status !== 202 || typeof sagaId !== 'string') {
    console.log(`  the sample order was refused: HTTP ${response.status} ${JSON.stringify(placed)}`);
    return;
  }
  const traceId = await findZipkinTrace(zipkinUrl, { serviceName: 'orders', tag: 'saga.id', value: sagaId });
  console.log(
    traceId
      ? `  sample order ${String(orderId)}: ${zipkinTraceUrl(zipkinUrl, traceId)}`
      : `  the sample order's trace has not reached Zipkin yet; search saga.id=${sagaId} in the UI`,
  );
}

/**
 * The demo user and its token. A user record belongs to the token's sub that registers it, so the
 * id comes first (the existing user's, found by its email, or a new UUID), then the token for it,
 * with which the user registers itself on the first start.
 */
async function demoUser(stack: DevStack, rootDir: string): Promise<{ userId: string; token: string }> {
  const existing = await demoUserId(stack);
  const userId = existing ?? randomUUID();
  const token = execFileSync(
    process.execPath,
    ['--import', 'tsx', 'gateway/src/token-cli.ts', '--sub', userId, '--roles', 'user,admin', '--ttl', '12h'],
    { cwd: rootDir, encoding: 'utf8' },
  ).trim();
  if (existing !== undefined) return { userId, token };
  const response = await fetch(`${stack.url('users')}/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      email: DEMO_EMAIL,
      profile: { firstName: 'Demo', lastName: 'User' },
      preferences: { language: 'en' },
    }),
  });
  if (response.status !== 201)
    throw new Error(`could not create the demo user: HTTP ${response.status} ${await response.text()}`);
  return { userId, token };
}

/** The id of the demo user of an earlier start, if any. */
async function demoUserId(stack: DevStack): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: stack.databaseUrl('users') });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [
      DEMO_EMAIL,
    ]);
    return rows[0]?.id;
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(
    isInfraError(error)
      ? `npm start failed:\n${error.message}`
      : `npm start failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
