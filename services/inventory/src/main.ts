import { createLogger, runService } from '@conveyor/http';
import { type InventoryConfig, loadConfig } from './config.ts';
import { startInventoryService } from './service.ts';

let config: InventoryConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  process.stderr.write(`inventory: ${(error as Error).message}\n`);
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
