import { isConveyorError } from '@conveyor/events';
import { createLogger, runService } from '@conveyor/http';
import { loadConfig, type PaymentsConfig } from './config.ts';
import { type PaymentsService, startPaymentsService } from './service.ts';

// Wiring only: the environment is read here and nowhere below.
let config: PaymentsConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  // One line naming the variable, before any logger exists (LOG_LEVEL itself may be the bad one).
  if (!isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')) throw error;
  process.stderr.write(`payments: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger('payments', config.logLevel);
let service: PaymentsService;
try {
  service = await startPaymentsService(config, { logger });
} catch (err) {
  logger.fatal({ err }, 'payments service failed to start');
  process.exit(1);
}

try {
  // Drains HTTP on SIGTERM, then stops the participant, the relay and the pool (service.stop).
  await runService(service, { host: config.host, port: config.port }, logger);
} catch (err) {
  logger.fatal({ err, host: config.host, port: config.port }, 'payments service could not listen');
  for (const stop of service.stop) await stop().catch(() => undefined);
  process.exit(1);
}
