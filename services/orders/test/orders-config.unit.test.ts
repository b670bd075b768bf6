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
        `ORDERS_IDEMPOTENCY_KEY_TTL must be a whole number of seconds from 1 to 31536000; got "${value}"`,
      );
    },
  );

  it('waits for each saga step 10 min, resending after 2 s doubling to 30 s, unless the ORDERS_SAGA_* variables say otherwise', () => {
    expect(loadConfig(base).sagaStepTiming).toEqual({
      resend: { initialDelayMs: 2_000, maxDelayMs: 30_000 },
      deadlineMs: 600_000,
    });
    expect(
      loadConfig({
        ...base,
        ORDERS_SAGA_STEP_DEADLINE_MS: '120000',
        ORDERS_SAGA_RESEND_INITIAL_MS: '500',
        ORDERS_SAGA_RESEND_MAX_MS: '5000',
      }).sagaStepTiming,
    ).toEqual({ resend: { initialDelayMs: 500, maxDelayMs: 5_000 }, deadlineMs: 120_000 });
  });

  it.each([
    ['ORDERS_SAGA_STEP_DEADLINE_MS', 'abc'],
    ['ORDERS_SAGA_STEP_DEADLINE_MS', '0'],
    ['ORDERS_SAGA_STEP_DEADLINE_MS', '70000'.repeat(4)],
    ['ORDERS_SAGA_STEP_DEADLINE_MS', 'ten minutes'],
    ['ORDERS_SAGA_RESEND_INITIAL_MS', '-1'],
    ['ORDERS_SAGA_RESEND_INITIAL_MS', '1.5'],
    ['ORDERS_SAGA_RESEND_MAX_MS', '1e4'],
    ['ORDERS_SAGA_RESEND_MAX_MS', ' 5000'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    const error = refusal({ ...base, [name]: value });
    expect(isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')).toBe(true);
    expect(error.message).toBe(
      `${name} must be a whole number of milliseconds from 1 to 31536000000; got "${value}"`,
    );
  });

  it('refuses a resend cap below the first resend delay, naming both variables', () => {
    const error = refusal({
      ...base,
      ORDERS_SAGA_RESEND_INITIAL_MS: '5000',
      ORDERS_SAGA_RESEND_MAX_MS: '1000',
    });
    expect(error.message).toBe(
      'ORDERS_SAGA_RESEND_MAX_MS must be at least ORDERS_SAGA_RESEND_INITIAL_MS (5000); got "1000"',
    );
  });

  it('takes ORDERS_SAGA_STEP_TIMEOUT_MS, the former name (once wrongly read as a port), as the deadline unless ORDERS_SAGA_STEP_DEADLINE_MS is set', () => {
    const deadline = (env: NodeJS.ProcessEnv) => loadConfig({ ...base, ...env }).sagaStepTiming.deadlineMs;
    expect(deadline({ ORDERS_SAGA_STEP_TIMEOUT_MS: '120000' })).toBe(120_000);
    expect(deadline({ ORDERS_SAGA_STEP_TIMEOUT_MS: '120000', ORDERS_SAGA_STEP_DEADLINE_MS: '300000' })).toBe(
      300_000,
    );
    expect(refusal({ ...base, ORDERS_SAGA_STEP_TIMEOUT_MS: 'abc' }).message).toBe(
      'ORDERS_SAGA_STEP_TIMEOUT_MS must be a whole number of milliseconds from 1 to 31536000000; got "abc"',
    );
  });

  it('logs at info unless LOG_LEVEL names a pino level, and refuses any other in one line naming LOG_LEVEL', () => {
    expect(loadConfig(base).logLevel).toBe('info');
    expect(loadConfig({ ...base, LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    const error = refusal({ ...base, LOG_LEVEL: 'nonsense' });
    expect(isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')).toBe(true);
    expect(error.message).toBe(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "nonsense"',
    );
  });

  it('takes a topic namespace of topic-name characters only, naming CONVEYOR_TOPIC_NAMESPACE', () => {
    expect(loadConfig(base).topicNamespace).toBe('');
    expect(loadConfig({ ...base, CONVEYOR_TOPIC_NAMESPACE: 'e2e-1.a_b' }).topicNamespace).toBe('e2e-1.a_b');
    for (const value of ['has space', 'slash/y', 'x'.repeat(201)]) {
      const error = refusal({ ...base, CONVEYOR_TOPIC_NAMESPACE: value });
      expect(error.message).toBe(
        `CONVEYOR_TOPIC_NAMESPACE must be at most 200 letters, digits, ".", "_" or "-"; got "${value}"`,
      );
    }
  });

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
