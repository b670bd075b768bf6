import { describe, expect, it } from 'vitest';
import { envReader } from './env.ts';

/** The message of what `read` throws (every reader throws CONVEYOR_INVALID_ENVIRONMENT naming its variable). */
function refusal(read: () => unknown): { message: string; details: unknown } {
  try {
    read();
  } catch (error) {
    if (error instanceof Error && 'details' in error)
      return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('accepted');
}

describe('envReader', () => {
  it('reads durations in milliseconds up to a year, unset or empty meaning the default', () => {
    expect(envReader({}).durationMs('DEADLINE_MS', 600_000)).toBe(600_000);
    expect(envReader({ DEADLINE_MS: '' }).durationMs('DEADLINE_MS', 600_000)).toBe(600_000);
    expect(envReader({ DEADLINE_MS: '120000' }).durationMs('DEADLINE_MS', 600_000)).toBe(120_000);
    for (const value of ['abc', '0', '-1', '1.5', '1e3', ' 5', '31536000001']) {
      expect(refusal(() => envReader({ DEADLINE_MS: value }).durationMs('DEADLINE_MS', 1))).toEqual({
        message: `DEADLINE_MS must be a whole number of milliseconds from 1 to 31536000000; got "${value}"`,
        details: { variable: 'DEADLINE_MS' },
      });
    }
  });

  it('reads positive integers with a unit and a bound', () => {
    const read = envReader({ LIMIT: '500', BIG: '101' });
    expect(read.positiveInteger('LIMIT', 1, { unit: 'cents' })).toBe(500);
    expect(refusal(() => read.positiveInteger('BIG', 1, { unit: 'seconds', max: 100 })).message).toBe(
      'BIG must be a whole number of seconds from 1 to 100; got "101"',
    );
  });

  it("reads LOG_LEVEL as one of pino's levels, info by default", () => {
    expect(envReader({}).logLevel()).toBe('info');
    expect(envReader({ LOG_LEVEL: 'debug' }).logLevel()).toBe('debug');
    expect(refusal(() => envReader({ LOG_LEVEL: 'nonsense' }).logLevel()).message).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "nonsense"',
    );
  });

  it('reads a topic namespace of topic-name characters, empty by default', () => {
    expect(envReader({}).topicNamespace()).toBe('');
    expect(envReader({ CONVEYOR_TOPIC_NAMESPACE: 'e2e-1.a_b' }).topicNamespace()).toBe('e2e-1.a_b');
    for (const value of ['has space', 'slash/y', 'x'.repeat(201)])
      expect(refusal(() => envReader({ CONVEYOR_TOPIC_NAMESPACE: value }).topicNamespace()).details).toEqual({
        variable: 'CONVEYOR_TOPIC_NAMESPACE',
      });
  });

  it('reads brokers as host:port and database URLs as postgres://', () => {
    expect(envReader({ KAFKA_BROKERS: 'a:1, b.c:2' }).brokers('KAFKA_BROKERS')).toEqual(['a:1', 'b.c:2']);
    expect(refusal(() => envReader({ KAFKA_BROKERS: 'localhost' }).brokers('KAFKA_BROKERS')).message).toBe(
      'KAFKA_BROKERS must be comma-separated host:port; got "localhost"',
    );
    expect(envReader({ DATABASE_URL: 'postgres://h/db' }).databaseUrl('DATABASE_URL')).toBe(
      'postgres://h/db',
    );
    expect(
      refusal(() => envReader({ DATABASE_URL: 'mysql://h/db' }).databaseUrl('DATABASE_URL')).message,
    ).toBe('DATABASE_URL must be a postgres:// URL; got "mysql://h/db"');
    expect(refusal(() => envReader({}).databaseUrl('DATABASE_URL')).message).toBe(
      'DATABASE_URL is required (a URL)',
    );
  });

  it('reads ports from 0 to 65535, digits only', () => {
    expect(envReader({ PORT: '8080' }).port('PORT', 3000)).toBe(8080);
    for (const value of ['eighty', '70000', '-1', '8080.5'])
      expect(refusal(() => envReader({ PORT: value }).port('PORT', 3000)).message).toBe(
        `PORT must be a port number; got "${value}"`,
      );
  });
});
