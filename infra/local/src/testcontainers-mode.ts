import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from './errors.ts';
import { APICURIO_VERSION } from './schema-registry.ts';

/**
 * The images of this mode. The Kafka module drives Confluent's image: Confluent Platform 7.9 is
 * Apache Kafka 3.9, infra/local's line, run as one KRaft node. Postgres is the major of the
 * embedded server; Apicurio the version infra/local runs (in memory here: each run is fresh).
 */
export const TESTCONTAINERS_IMAGES = {
  kafka: 'confluentinc/cp-kafka:7.9.1',
  postgres: 'postgres:18',
  schemaRegistry: `apicurio/apicurio-registry:${APICURIO_VERSION}`,
  redis: 'redis:7.4',
} as const;

/** Where the test infra comes from: servers on loopback (infra/local) or Docker containers. */
export type InfraMode = 'local' | 'testcontainers';

/** CONVEYOR_INFRA: `local` (default, no Docker) or `testcontainers` (needs a Docker engine). */
export function infraMode(env: NodeJS.ProcessEnv): InfraMode {
  const raw = env.CONVEYOR_INFRA;
  if (raw === undefined || raw === '' || raw === 'local') return 'local';
  if (raw === 'testcontainers') return 'testcontainers';
  throw new InfraError(
    'INFRA_BAD_CONFIG',
    `CONVEYOR_INFRA must be one of local, testcontainers; got "${raw}"`,
    {
      part: 'config',
    },
  );
}

/** The Docker endpoints to try, as testcontainers would: DOCKER_HOST, else the usual sockets. */
export function dockerEndpoints(env: NodeJS.ProcessEnv): string[] {
  if (env.DOCKER_HOST) return [env.DOCKER_HOST];
  return [
    'unix:///var/run/docker.sock',
    ...(env.XDG_RUNTIME_DIR ? [`unix://${join(env.XDG_RUNTIME_DIR, 'docker.sock')}`] : []),
    `unix://${join(homedir(), '.docker', 'run', 'docker.sock')}`,
  ];
}

/** True when a Docker engine answers `GET /_ping` at the endpoint within the timeout. */
export function dockerAnswers(endpoint: string, timeoutMs = 2_000): Promise<boolean> {
  const url = new URL(endpoint);
  const target =
    url.protocol === 'unix:'
      ? { socketPath: url.pathname }
      : { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 2375)) };
  return new Promise((resolve) => {
    const ping = request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('timeout', () => ping.destroy());
    ping.on('error', () => resolve(false));
    ping.end();
  });
}

/**
 * The first endpoint where a Docker engine answers. Without one, stops at once (testcontainers
 * would otherwise search for a while) with one message naming CONVEYOR_INFRA and what was tried.
 */
export async function requireDockerEngine(env: NodeJS.ProcessEnv): Promise<string> {
  const endpoints = dockerEndpoints(env);
  const answers = await Promise.all(endpoints.map((endpoint) => dockerAnswers(endpoint)));
  const found = endpoints.find((_, index) => answers[index]);
  if (found) return found;
  throw new InfraError(
    'INFRA_UNREACHABLE',
    `CONVEYOR_INFRA=testcontainers needs a Docker engine; none answered at ${endpoints.join(', ')}. ` +
      'Start one (or set DOCKER_HOST to it), or unset CONVEYOR_INFRA to run the infra on loopback without Docker.',
    { part: 'testcontainers' },
  );
}
