import { isConveyorError } from '@conveyor/events';
import { createLogger, runService } from '@conveyor/http';
import { type InventoryConfig, loadConfig } from './config.ts';
import { startInventoryService } from './service.ts';

// Wiring only: the environment is read here and nowhere below.
let config: InventoryConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  // One line naming the variable, before any logger exists (LOG_LEVEL itself may be the bad one).
  if (!isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')) throw error;
  process.stderr.write(`inventory: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger('inventory', config.logLevel);
try {
  const service = await startInventoryService(config, { logger });
  await runService(service, { host: config.host, port: config.port }, logger);
} catch (err) {
  logger.fatal({ err }, 'inventory failed to start');
  process.exit(1);
}
