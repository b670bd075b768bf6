import type { TestProject } from 'vitest/node';
import { loadInfraConfig } from './config.ts';
import { down, endpointEnv, up } from './infra.ts';
import { infraMode, requireDockerEngine } from './testcontainers-mode.ts';
import './testing.ts'; // declares inject('infra')

/**
 * Integration tests share one infra per run: started here (or reused when it already runs) and
 * stopped at the end only if this run started it. Tests read the endpoints with `inject('infra')`.
 * CONVEYOR_INFRA=testcontainers runs it as Docker containers instead (testcontainers.ts).
 */
export default async function setup(project: Pick<TestProject, 'provide'>) {
  if (infraMode(process.env) === 'testcontainers') {
    await requireDockerEngine(process.env);
    // Loaded only here: machines without Docker never load testcontainers.
    const { startContainers } = await import('./testcontainers.ts');
    const containers = await startContainers();
    project.provide('infra', containers.endpoints);
    Object.assign(process.env, endpointEnv(containers.endpoints), {
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      GATEWAY_TEST_REDIS_URL: containers.redisUrl,
    });
    return containers.stop;
  }
  const config = loadInfraConfig();
  const infra = await up(config);
  project.provide('infra', infra.endpoints);
  // Child processes spawned by tests (CLIs, services) find the same servers through the environment.
  Object.assign(process.env, endpointEnv(infra.endpoints), { KAFKAJS_NO_PARTITIONER_WARNING: '1' });
  return async () => {
    if (infra.startedNow.length > 0) await down(config, infra.startedNow);
  };
}
