import { isConveyorError } from '@conveyor/events';
import { DEVELOPMENT_JWT_SETTINGS } from '@conveyor/http/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const env = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/conveyor_payments',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19094',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
};

describe('payments config', () => {
  it('applies the defaults', () => {
    expect(loadConfig(env)).toEqual({
      databaseUrl: env.DATABASE_URL,
      databasePoolMax: 10,
      adminPeerUrls: [],
      kafkaBrokers: ['127.0.0.1:19092', '127.0.0.1:19094'],
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      topicNamespace: '',
      userLimitCents: 100_000,
      host: '127.0.0.1',
      port: 3004,
      logLevel: 'info',
      jwt: DEVELOPMENT_JWT_SETTINGS,
    });
  });

  it('reads the optional variables', () => {
    expect(
      loadConfig({
        ...env,
        CONVEYOR_TOPIC_NAMESPACE: 'ci_42',
        PAYMENTS_USER_LIMIT_CENTS: '500',
        HOST: '0.0.0.0',
        PORT: '8080',
        LOG_LEVEL: 'warn',
        JWT_SECRET: 'a-secret-of-our-own-at-least-32-characters',
        JWT_AUDIENCE: 'conveyor-api',
      }),
    ).toMatchObject({
      topicNamespace: 'ci_42',
      userLimitCents: 500,
      host: '0.0.0.0',
      port: 8080,
      logLevel: 'warn',
      jwt: { key: { secret: 'a-secret-of-our-own-at-least-32-characters' }, audience: 'conveyor-api' },
    });
  });

  it.each([
    ['a non-loopback HOST', { HOST: '0.0.0.0' }],
    ['NODE_ENV=production', { NODE_ENV: 'production' }],
  ])('refuses the development secret with %s, naming JWT_SECRET', (_case, overrides) => {
    let thrown: unknown;
    try {
      loadConfig({ ...env, ...overrides });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'CONVEYOR_INVALID_ENVIRONMENT',
      details: { variable: 'JWT_SECRET' },
    });
  });

  it.each([
    ['PAYMENTS_USER_LIMIT_CENTS', 'abc'],
    ['PAYMENTS_USER_LIMIT_CENTS', '0'],
    ['PAYMENTS_USER_LIMIT_CENTS', '12.5'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', undefined],
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_BROKERS', undefined],
    ['SCHEMA_REGISTRY_URL', undefined],
    ['CONVEYOR_TOPIC_NAMESPACE', 'bad/namespace'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    let thrown: unknown;
    try {
      loadConfig({ ...env, [name]: value });
    } catch (error) {
      thrown = error;
    }
    expect(isConveyorError(thrown, 'CONVEYOR_INVALID_ENVIRONMENT')).toBe(true);
    expect((thrown as Error).message).toContain(name);
  });
});
