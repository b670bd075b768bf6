import { loadServiceConfig, type ServiceConfig } from '@conveyor/service';

/** What the users service reads from its environment: the shared variables only (docs/services.md). */
export type UsersConfig = ServiceConfig;

export const DEFAULT_PORT = 3001;

/** Reads and checks every variable once; a bad value is a CONVEYOR_INVALID_ENVIRONMENT naming it. */
export function loadConfig(env: NodeJS.ProcessEnv): UsersConfig {
  return loadServiceConfig(env, { port: DEFAULT_PORT });
}
