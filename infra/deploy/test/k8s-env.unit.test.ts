import { readFileSync } from 'node:fs';
import { loadGatewayConfig } from '@conveyor/gateway';
import { loadConfig as loadInventoryConfig } from '@conveyor/inventory-service';
import { loadConfig as loadOrdersConfig } from '@conveyor/orders-service';
import { loadConfig as loadPaymentsConfig } from '@conveyor/payments-service';
import { loadConfig as loadUsersConfig } from '@conveyor/users-service';
import { describe, expect, it } from 'vitest';
import { containerEnv, recordEnvReads } from '../src/k8s-env.ts';
import { type K8sObject, parseObjects } from '../src/k8s-objects.ts';
import { conveyorDeployments } from '../src/k8s-policy.ts';
import { k8sDir, manifestSets } from './k8s-world.ts';

/** Each Deployment's process and the loader its main.ts reads the environment with. */
const LOADERS: Record<string, (env: NodeJS.ProcessEnv) => unknown> = {
  gateway: (env) => loadGatewayConfig(env),
  users: loadUsersConfig,
  orders: loadOrdersConfig,
  inventory: loadInventoryConfig,
  payments: loadPaymentsConfig,
};

const sets = manifestSets();
// The base's Secret is empty on purpose; the dev overlay's values stand in for a real one.
const devSecret = parseObjects(readFileSync(`${k8sDir}/overlays/dev/secret.yaml`, 'utf8'), 'dev secret');
const withSecret = (objects: K8sObject[]) => [...objects.filter((o) => o.kind !== 'Secret'), ...devSecret];
const base = withSecret(sets[0]?.objects ?? []);

/** What each loader reads, recorded while it loads the base Deployment's environment. */
const reads = Object.fromEntries(
  conveyorDeployments(base).map((deployment) => {
    const load = LOADERS[deployment.metadata.name];
    if (!load) throw new Error(`no config loader known for Deployment/${deployment.metadata.name}`);
    return [deployment.metadata.name, recordEnvReads(load, containerEnv(deployment, base).values)];
  }),
);

describe('the environment of each Deployment', () => {
  const total = Object.values(reads).reduce((sum, r) => sum + r.reads.length, 0);

  it(`loads with every process's config loader, ${total} variables read in all`, () => {
    expect(Object.keys(reads).sort()).toEqual(Object.keys(LOADERS).sort());
    for (const [name, { error }] of Object.entries(reads))
      expect({ name, error }).toEqual({ name, error: undefined });
  });

  for (const { name, objects } of sets) {
    it(`sets every variable its loader reads: ${name}`, () => {
      for (const deployment of conveyorDeployments(objects)) {
        const env = containerEnv(deployment, objects);
        const missing = (reads[deployment.metadata.name]?.reads ?? []).filter(
          (variable) => !env.names.has(variable),
        );
        expect({ deployment: deployment.metadata.name, missing, dangling: env.dangling }).toEqual({
          deployment: deployment.metadata.name,
          missing: [],
          dangling: [],
        });
      }
    });
  }

  it('holds in its own settings only variables its loader reads (a typo is not silently ignored)', () => {
    for (const deployment of conveyorDeployments(base)) {
      const own = base.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === `${deployment.metadata.name}-settings`,
      );
      const keys = Object.keys(own?.data ?? {});
      const unread = keys.filter((key) => !reads[deployment.metadata.name]?.reads.includes(key));
      expect({ deployment: deployment.metadata.name, unread }).toEqual({
        deployment: deployment.metadata.name,
        unread: [],
      });
    }
  });

  it('refuses to start on the base Secret as it is (empty: fill it or use an overlay)', () => {
    const empty = sets[0]?.objects ?? [];
    const refusals = Object.fromEntries(
      conveyorDeployments(empty).map((deployment) => {
        const load = LOADERS[deployment.metadata.name] ?? (() => undefined);
        const { error } = recordEnvReads(load, containerEnv(deployment, empty).values);
        return [deployment.metadata.name, error instanceof Error ? error.message.split(' ')[0] : error];
      }),
    );
    // The gateway has no database; an empty JWT_SECRET means the development one, refused in production.
    expect(refusals).toEqual({
      gateway: 'JWT_SECRET',
      users: 'DATABASE_URL',
      orders: 'DATABASE_URL',
      inventory: 'DATABASE_URL',
      payments: 'DATABASE_URL',
    });
  });

  it('records what a loader reads and what it refuses', () => {
    const load = (env: NodeJS.ProcessEnv) => {
      if (!env.DATABASE_URL) throw new Error('DATABASE_URL must be a URL');
      return env.PORT ?? '3000';
    };
    expect(recordEnvReads(load, { DATABASE_URL: 'postgres://db/app' })).toEqual({
      reads: ['DATABASE_URL', 'PORT'],
      error: undefined,
    });
    expect(String(recordEnvReads(load, {}).error)).toBe('Error: DATABASE_URL must be a URL');
  });

  if (sets.length > 1)
    it('loads with the dev overlay as rendered (its own Secret, in its namespace)', () => {
      const dev = sets.find((set) => set.name.startsWith('overlays/dev'))?.objects ?? [];
      for (const deployment of conveyorDeployments(dev)) {
        const load = LOADERS[deployment.metadata.name] ?? (() => undefined);
        expect(recordEnvReads(load, containerEnv(deployment, dev).values).error).toBeUndefined();
      }
    });
});
