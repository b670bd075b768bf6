/**
 * CONVEYOR_INFRA=testcontainers: the test infra as Docker containers, for machines with a Docker
 * engine, through testcontainers and its Kafka and Postgres modules. Loaded only in that mode.
 */
import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import type { InfraEndpoints } from './infra.ts';
import { TESTCONTAINERS_IMAGES } from './testcontainers-mode.ts';

/** The Kafka module's listener for clients outside Docker. */
const KAFKA_CLIENT_PORT = 9093;
const REGISTRY_PORT = 8080;
const REDIS_PORT = 6379;

export interface StartedContainers {
  endpoints: InfraEndpoints;
  /** For the gateway's Redis-backed rate-limit tests (GATEWAY_TEST_REDIS_URL). */
  redisUrl: string;
  stop(): Promise<void>;
}

/** Starts the four containers side by side; if one fails, stops the others and rethrows. */
export async function startContainers(): Promise<StartedContainers> {
  const started = await Promise.allSettled([
    new KafkaContainer(TESTCONTAINERS_IMAGES.kafka)
      .withKraft()
      // Like infra/local: topics exist only when the code creates them.
      .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
      .start(),
    new PostgreSqlContainer(TESTCONTAINERS_IMAGES.postgres)
      .withDatabase('postgres')
      .withUsername('postgres')
      .withPassword('postgres')
      .start(),
    new GenericContainer(TESTCONTAINERS_IMAGES.schemaRegistry)
      .withExposedPorts(REGISTRY_PORT)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', REGISTRY_PORT).forStatusCode(200))
      .start(),
    new GenericContainer(TESTCONTAINERS_IMAGES.redis).withExposedPorts(REDIS_PORT).start(),
  ]);
  const [kafka, postgres, registry, redis] = started.map((r) =>
    r.status === 'fulfilled' ? r.value : undefined,
  );
  const stop = async () => {
    await Promise.allSettled([kafka, postgres, registry, redis].map((container) => container?.stop()));
  };
  if (!kafka || !postgres || !registry || !redis) {
    await stop();
    throw started.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }
  const address = (container: StartedTestContainer, port: number) =>
    `${container.getHost()}:${container.getMappedPort(port)}`;
  return {
    endpoints: {
      kafkaBrokers: [address(kafka, KAFKA_CLIENT_PORT)],
      schemaRegistryUrl: `http://${address(registry, REGISTRY_PORT)}/apis/ccompat/v7`,
      databaseUrl: `postgres://postgres:postgres@${address(postgres, 5432)}/postgres`,
    },
    redisUrl: `redis://${address(redis, REDIS_PORT)}`,
    stop,
  };
}
