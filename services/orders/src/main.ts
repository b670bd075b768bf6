import { createLogger, runService } from '@conveyor/http';
import { loadConfig } from './config.ts';
import { startOrdersService } from './start.ts';

try {
  // Before any logger: a bad LOG_LEVEL is reported as one line naming it, like every other variable.
  const config = loadConfig(process.env);
  const logger = createLogger('orders', config.logLevel);
  const service = await startOrdersService(config);
  await runService(service, { host: config.host, port: config.port }, logger);
} catch (error) {
  // A bad variable or an unreachable dependency: one line naming it, no stack trace.
  console.error(`orders failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
