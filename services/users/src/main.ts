import { isConveyorError } from '@conveyor/events';
import { createLogger, runService } from '@conveyor/http';
import { loadConfig, type UsersConfig } from './config.ts';
import { startUsersService } from './users-service.ts';

// Wiring only: `node --import tsx services/users/src/main.ts`.
let config: UsersConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')) throw error;
  console.error(`users: ${error.message}`);
  process.exit(1);
}

const logger = createLogger('users', config.logLevel);
try {
  const service = await startUsersService(config, { logger });
  await runService(service, { host: config.host, port: config.port }, logger);
} catch (err) {
  logger.fatal({ err }, 'users service failed to start');
  process.exit(1);
}
