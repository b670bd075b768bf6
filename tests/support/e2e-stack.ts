import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevStack, type DevStackOptions } from '@conveyor/devstack';
import { loadInfraConfig } from '@conveyor/infra-local';
import { uniqueName } from '@conveyor/infra-local/testing';
import { inject } from 'vitest';

/** A whole stack on free ports, fresh databases and a fresh topic namespace. */
export async function startE2eStack(
  env: DevStackOptions['env'] = {},
  options: Pick<DevStackOptions, 'replicas'> = {},
): Promise<DevStack & { logDir: string; topicNamespace: string; teardown(): Promise<void> }> {
  const name = uniqueName('e2e').toLowerCase();
  const logDir = mkdtempSync(join(tmpdir(), 'conveyor-e2e-'));
  const stack = new DevStack({
    rootDir: loadInfraConfig().rootDir,
    infra: inject('infra'),
    databasePrefix: name,
    topicNamespace: name,
    ports: 'free',
    logDir,
    ...options,
    // A step with no reply is resent every second or so; one that gets none for 2 min (a bug, in a
    // test) is compensated within the test's budget instead of the default 10 min.
    env: {
      ...env,
      orders: {
        ORDERS_SAGA_RESEND_INITIAL_MS: '1000',
        ORDERS_SAGA_RESEND_MAX_MS: '5000',
        ORDERS_SAGA_STEP_DEADLINE_MS: '120000',
        ...env.orders,
      },
    },
  });
  await stack.start();
  return Object.assign(stack, {
    logDir,
    topicNamespace: name,
    async teardown() {
      await stack.stop();
      await stack.dropDatabases();
    },
  });
}

export { eventually } from '@conveyor/infra-local/testing';

/** JSON over real HTTP. */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json: json as Record<string, any> };
}
