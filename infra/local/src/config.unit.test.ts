import { describe, expect, it } from 'vitest';
import { loadInfraConfig } from './config.ts';

describe('loadInfraConfig', () => {
  it('defaults to loopback ports that avoid the usual ones', () => {
    const config = loadInfraConfig({});
    expect(config.kafka).toMatchObject({ external: undefined, port: 19092, controllerPort: 19093 });
    expect(config.registry).toMatchObject({ external: undefined, port: 18081 });
    expect(config.postgres).toMatchObject({ external: undefined, forceEmbedded: false });
    expect(config.cacheDir).toMatch(/\.infra$/);
  });

  it('points at external servers when the variables are set', () => {
    const config = loadInfraConfig({
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      SCHEMA_REGISTRY_URL: 'http://registry:8081/',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
    });
    expect(config.kafka.external).toEqual(['k1:9092', 'k2:9092']);
    expect(config.registry.external).toBe('http://registry:8081');
    expect(config.postgres.external).toBe('postgres://u:p@db:5432/app');
  });

  it.each([
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS must be a comma-separated list of host:port/],
    ['SCHEMA_REGISTRY_URL', 'not a url', /SCHEMA_REGISTRY_URL must be a URL/],
    ['CONVEYOR_KAFKA_PORT', '70000', /CONVEYOR_KAFKA_PORT must be a port number/],
    ['CONVEYOR_KAFKA_HEAP_MB', '-1', /CONVEYOR_KAFKA_HEAP_MB must be a positive integer/],
    ['CONVEYOR_POSTGRES', 'docker', /CONVEYOR_POSTGRES must be one of auto, embedded/],
  ])('names %s when its value is wrong', (name, value, message) => {
    expect(() => loadInfraConfig({ [name]: value })).toThrow(message);
  });
});
