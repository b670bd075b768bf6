import { isConveyorError } from '@conveyor/events';
import { createLogger, runService } from '@conveyor/http';
import type { Telemetry } from '@conveyor/telemetry';
import type { DefinedService, ServiceParts } from './define-service.ts';
import { isUnreachable, startRetryDelayMs } from './internal/start-retry.ts';
import type { ServiceConfig } from './service-config.ts';

/**
 * How long a start is tried again while the broker (or another server) cannot be reached. A
 * replica restarted during a broker restart failed its start on the first refused connection and
 * stayed down; a fault must delay a process, not decide how many run.
 */
const START_RETRY_WINDOW_MS = 5 * 60_000;

/**
 * What every main.ts does: reads its config (a bad variable is one line on stderr naming it, exit
 * 1), starts the service with a logger at the configured level, listens, and on SIGTERM drains
 * HTTP, then stops the workers, projections, relay and pool (runService). It listens as soon as
 * the database is migrated; the messaging side (topics, schemas, relay, projections, consumers)
 * starts behind it and is tried again for as long as Kafka or the registry cannot be reached
 * (GET /ready/messaging says when it runs). A start that failed because a server could not be
 * reached (the database: it stopped what it had started) is tried again for up to five minutes;
 * any other failed start is one fatal log line and exit 1.
 *
 * `telemetry` is what main.ts started before it imported the service (startTelemetry): with
 * tracing on, log lines carry trace_id and span_id, and the spans still buffered are flushed last
 * on shutdown.
 */
export async function runMain<Config extends ServiceConfig, Deps, Parts extends ServiceParts>(
  service: DefinedService<Config, Deps, Parts>,
  loadConfig: () => Config,
  telemetry?: Telemetry,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    // Before any logger exists: LOG_LEVEL itself may be the bad variable.
    if (!isConveyorError(error, 'CONVEYOR_INVALID_ENVIRONMENT')) throw error;
    process.stderr.write(`${service.name}: ${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(service.name, config.logLevel, telemetry?.logMixin);
  let started: Awaited<ReturnType<typeof service.start>>;
  const giveUpAt = Date.now() + START_RETRY_WINDOW_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      started = await service.start(config, {
        overrides: { logger },
        messaging: 'background',
        onMessagingFailure: (err) => {
          logger.fatal({ err }, `${service.name} could not start its messaging`);
          process.exit(1);
        },
      });
      break;
    } catch (err) {
      const waitMs = startRetryDelayMs(attempt);
      if (!isUnreachable(err) || Date.now() + waitMs > giveUpAt) {
        logger.fatal({ err }, `${service.name} failed to start`);
        process.exit(1);
      }
      logger.warn(
        { err, attempt, waitMs },
        `${service.name} could not reach a server while starting; trying again`,
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  try {
    const stop = telemetry ? [...started.stop, () => telemetry.shutdown()] : started.stop;
    await runService({ ...started, stop }, { host: config.host, port: config.port }, logger);
  } catch (err) {
    logger.fatal({ err, host: config.host, port: config.port }, `${service.name} could not listen`);
    for (const stop of started.stop) await stop().catch(() => undefined);
    process.exit(1);
  }
}
