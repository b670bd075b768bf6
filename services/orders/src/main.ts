import { createLogger, runService } from '@conveyor/http';
import { loadConfig } from './config.ts';
import { startOrdersService } from './start.ts';

const logger = createLogger('orders');
try {
  const config = loadConfig(process.env);
  const service = await startOrdersService(config);
  await runService(service, { host: config.host, port: config.port }, logger);
} catch (error) {
  // A bad variable or an unreachable dependency: one line naming it, no stack trace.
  console.error(`orders failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
