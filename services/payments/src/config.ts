import { loadServiceConfig, type ServiceConfig } from '@conveyor/service';
import { DEFAULT_USER_LIMIT_CENTS } from './domain/fake-provider.ts';

/** Everything the payments service reads from its environment, validated once at start. */
export interface PaymentsConfig extends ServiceConfig {
  /** Largest amount one charge may have (`PAYMENTS_USER_LIMIT_CENTS`). @default 100000 */
  userLimitCents: number;
}

export const DEFAULT_PORT = 3004;

/** Reads and checks every variable; a bad or missing one throws CONVEYOR_INVALID_ENVIRONMENT naming it. */
export function loadConfig(env: NodeJS.ProcessEnv): PaymentsConfig {
  return loadServiceConfig(env, { port: DEFAULT_PORT }, (read) => ({
    userLimitCents: read.positiveInteger('PAYMENTS_USER_LIMIT_CENTS', DEFAULT_USER_LIMIT_CENTS, {
      unit: 'cents',
    }),
  }));
}
