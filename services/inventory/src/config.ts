import { loadServiceConfig, type ServiceConfig } from '@conveyor/service';

/** Everything the inventory service reads from its environment: the shared variables only. */
export type InventoryConfig = ServiceConfig;

export const DEFAULT_PORT = 3003;

/**
 * Reads and checks every variable; the first bad one throws CONVEYOR_INVALID_ENVIRONMENT with a
 * message naming it and what was expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv): InventoryConfig {
  return loadServiceConfig(env, { port: DEFAULT_PORT });
}
