import type { TestProject } from 'vitest/node';
import { loadInfraConfig } from './config.ts';
import { down, endpointEnv, up } from './infra.ts';
import './testing.ts'; // declares inject('infra')

/**
 * Integration tests share one infra per run: started here (or reused when it already runs) and
 * stopped at the end only if this run started it. Tests read the endpoints with `inject('infra')`.
 */
export default async function setup(project: TestProject) {
  const config = loadInfraConfig();
  const infra = await up(config);
  project.provide('infra', infra.endpoints);
  // Child processes spawned by tests (CLIs, services) find the same servers through the environment.
  Object.assign(process.env, endpointEnv(infra.endpoints), { KAFKAJS_NO_PARTITIONER_WARNING: '1' });
  return async () => {
    if (infra.startedNow.length > 0) await down(config, infra.startedNow);
  };
}
