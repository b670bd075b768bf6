import { isConveyorError } from '@conveyor/events';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const base = {
  DATABASE_URL: 'postgres://localhost/conveyor_orders',
  KAFKA_BROKERS: '127.0.0.1:19092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081',
};
const ownSecret = 'a-secret-of-our-own-that-is-long-enough-for-hs256';

function refusal(env: Record<string, string>): Error {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('orders configuration', () => {
  it('keeps Idempotency-Keys 24 h unless ORDERS_IDEMPOTENCY_KEY_TTL says otherwise', () => {
    expect(loadConfig(base).idempotencyKeyTtlSeconds).toBe(86_400);
    expect(loadConfig({ ...base, ORDERS_IDEMPOTENCY_KEY_TTL: '600' }).idempotencyKeyTtlSeconds).toBe(600);
  });

  it.each(['0', '-5', '1.5', 'ten', '1e3', '31536001'])(
    'refuses ORDERS_IDEMPOTENCY_KEY_TTL=%s naming the variable',
    (value) => {
      const error = refusal({ ...base, ORDERS_IDEMPOTENCY_KEY_TTL: value });
      expect(isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')).toBe(true);
      expect(error.message).toBe(
        `ORDERS_IDEMPOTENCY_KEY_TTL must be a whole number of seconds from 1 to 31536000 (a year); got "${value}"`,
      );
    },
  );

  it('trusts the development secret on loopback only, and never in production, naming JWT_SECRET', () => {
    expect(loadConfig(base).jwt.key).toMatchObject({ algorithm: 'HS256' });
    for (const env of [
      { ...base, HOST: '0.0.0.0' },
      { ...base, NODE_ENV: 'production' },
    ]) {
      const error = refusal(env);
      expect(error.message).toMatch(/^JWT_SECRET /);
      expect(error.message).not.toContain('\n');
    }
    expect(loadConfig({ ...base, HOST: '0.0.0.0', JWT_SECRET: ownSecret }).jwt.key).toEqual({
      algorithm: 'HS256',
      secret: ownSecret,
    });
  });
});
