import { A_YEAR_MS, type EnvReader, invalidEnvironment } from '@conveyor/http';
import { loadServiceConfig, type ServiceConfig } from '@conveyor/service';
import type { CreateOrderStepTiming } from './application/create-order.saga.ts';
import { DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from './application/idempotency-keys.ts';

export interface OrdersConfig extends ServiceConfig {
  /**
   * How patient each create-order step is: resent after ORDERS_SAGA_RESEND_INITIAL_MS (@default
   * 2000), doubling to ORDERS_SAGA_RESEND_MAX_MS (@default 30000), until ORDERS_SAGA_STEP_DEADLINE_MS
   * (@default 600000, 10 min; formerly ORDERS_SAGA_STEP_TIMEOUT_MS, still read when it is unset)
   * has passed without a reply; only then is the order cancelled.
   */
  sagaStepTiming: CreateOrderStepTiming;
  /** How long an Idempotency-Key is remembered for its caller (ORDERS_IDEMPOTENCY_KEY_TTL). @default 86400 */
  idempotencyKeyTtlSeconds: number;
}

export const DEFAULT_PORT = 3002;

/** Reads and checks the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv): OrdersConfig {
  // The saga orchestrator, its sweeper, the participant and the routes share the pool.
  return loadServiceConfig(env, { port: DEFAULT_PORT, databasePoolMax: 20 }, (read) => ({
    sagaStepTiming: sagaStepTiming(read, env),
    idempotencyKeyTtlSeconds: read.positiveInteger(
      'ORDERS_IDEMPOTENCY_KEY_TTL',
      DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS,
      { unit: 'seconds', max: A_YEAR_MS / 1000 },
    ),
  }));
}

const DEADLINE = 'ORDERS_SAGA_STEP_DEADLINE_MS';
/**
 * The deadline's name before steps were resent: it meant the same (how long a step waits for its
 * reply before the saga compensates). Read and checked when DEADLINE is unset, so that a deployment
 * still setting it is neither ignored nor left with a bad value unnoticed.
 */
const FORMER_DEADLINE = 'ORDERS_SAGA_STEP_TIMEOUT_MS';

function sagaStepTiming(read: EnvReader, env: NodeJS.ProcessEnv): CreateOrderStepTiming {
  const initialDelayMs = read.durationMs('ORDERS_SAGA_RESEND_INITIAL_MS', 2_000);
  const maxDelayMs = read.durationMs('ORDERS_SAGA_RESEND_MAX_MS', 30_000);
  if (maxDelayMs < initialDelayMs)
    throw invalidEnvironment(
      'ORDERS_SAGA_RESEND_MAX_MS',
      `at least ORDERS_SAGA_RESEND_INITIAL_MS (${initialDelayMs})`,
      String(maxDelayMs),
    );
  return {
    resend: { initialDelayMs, maxDelayMs },
    deadlineMs: env[DEADLINE]
      ? read.durationMs(DEADLINE, 10 * 60_000)
      : read.durationMs(FORMER_DEADLINE, 10 * 60_000),
  };
}
