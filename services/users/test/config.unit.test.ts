import { isConveyorError } from '@conveyor/events';
import { DEVELOPMENT_JWT_SETTINGS } from '@conveyor/http/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const env = {
  DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/conveyor_users',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
};

const refusal = (overrides: Record<string, string | undefined>) => {
  try {
    loadConfig({ ...env, ...overrides });
  } catch (error) {
    if (isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')) return error;
    throw error;
  }
  throw new Error('the environment was accepted');
};

describe('users config', () => {
  it('reads every variable once, with the documented defaults', () => {
    expect(loadConfig(env)).toEqual({
      databaseUrl: env.DATABASE_URL,
      databasePoolMax: 10,
      adminPeerUrls: [],
      kafkaBrokers: ['127.0.0.1:19092', '127.0.0.1:19093'],
      schemaRegistryUrl: env.SCHEMA_REGISTRY_URL,
      topicNamespace: '',
      host: '127.0.0.1',
      port: 3001,
      logLevel: 'info',
      jwt: DEVELOPMENT_JWT_SETTINGS,
    });
    expect(
      loadConfig({
        ...env,
        PORT: '8080',
        HOST: '0.0.0.0',
        JWT_SECRET: 'a-secret-of-our-own-at-least-32-characters',
        CONVEYOR_TOPIC_NAMESPACE: 'ci_1',
        LOG_LEVEL: 'debug',
        DATABASE_POOL_MAX: '4',
      }),
    ).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      topicNamespace: 'ci_1',
      logLevel: 'debug',
      databasePoolMax: 4,
    });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }, 'PORT must be a port number; got "eighty"'],
    ['PORT', { PORT: '70000' }, 'PORT must be a port number; got "70000"'],
    ['DATABASE_URL', { DATABASE_URL: undefined }, 'DATABASE_URL is required (a URL)'],
    ['SCHEMA_REGISTRY_URL', { SCHEMA_REGISTRY_URL: 'registry' }, 'SCHEMA_REGISTRY_URL must be a URL'],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS must be comma-separated host:port'],
    ['CONVEYOR_TOPIC_NAMESPACE', { CONVEYOR_TOPIC_NAMESPACE: 'a b' }, 'CONVEYOR_TOPIC_NAMESPACE must be'],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error'],
    ['DATABASE_POOL_MAX', { DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX must be'],
    ['JWT_SECRET', { HOST: '0.0.0.0' }, 'JWT_SECRET is required (a secret of your own when binding 0.0.0.0'],
    ['JWT_SECRET', { NODE_ENV: 'production' }, 'JWT_SECRET is required (a secret of your own when NODE_ENV'],
    ['JWT_SECRET', { JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters'],
  ])('refuses a bad %s, naming it', (variable, overrides, message) => {
    const error = refusal(overrides);
    expect(error.message).toContain(message);
    expect(error.details).toEqual({ variable });
  });
});
