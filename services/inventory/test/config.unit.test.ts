import { DEVELOPMENT_JWT_SETTINGS } from '@conveyor/http/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/conveyor_inventory',
  KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19094',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7',
};

describe('loadConfig', () => {
  it('reads the variables and applies the defaults', () => {
    expect(loadConfig(valid)).toEqual({
      databaseUrl: valid.DATABASE_URL,
      databasePoolMax: 10,
      adminPeerUrls: [],
      kafkaBrokers: ['127.0.0.1:19092', '127.0.0.1:19094'],
      schemaRegistryUrl: valid.SCHEMA_REGISTRY_URL,
      topicNamespace: '',
      host: '127.0.0.1',
      port: 3003,
      logLevel: 'info',
      jwt: DEVELOPMENT_JWT_SETTINGS,
    });
    const secret = 'a-secret-of-our-own-at-least-32-characters';
    expect(
      loadConfig({ ...valid, HOST: '0.0.0.0', JWT_SECRET: secret, JWT_ISSUER: 'conveyor' }),
    ).toMatchObject({
      host: '0.0.0.0',
      jwt: { key: { algorithm: 'HS256', secret }, issuer: 'conveyor' },
    });
    expect(loadConfig({ ...valid, PORT: '8080', CONVEYOR_TOPIC_NAMESPACE: 'staging' })).toMatchObject({
      port: 8080,
      topicNamespace: 'staging',
    });
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: undefined }],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'localhost' }],
    ['SCHEMA_REGISTRY_URL', { SCHEMA_REGISTRY_URL: 'registry' }],
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['CONVEYOR_TOPIC_NAMESPACE', { CONVEYOR_TOPIC_NAMESPACE: 'a/b' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['JWT_SECRET', { HOST: '0.0.0.0' }],
    ['JWT_SECRET', { NODE_ENV: 'production' }],
    ['JWT_SECRET', { JWT_SECRET: 'too short' }],
    ['JWT_MAX_LIFETIME', { JWT_MAX_LIFETIME: '0' }],
  ])('refuses a bad %s, naming it', (variable, change) => {
    let error: unknown;
    try {
      loadConfig({ ...valid, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONVEYOR_INVALID_ENVIRONMENT', details: { variable } });
    expect((error as Error).message).toContain(variable);
  });
});
