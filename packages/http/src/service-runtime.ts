import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';

/** Something to stop on shutdown: consumers, relays, sweepers, pools. */
export type Stoppable = () => Promise<unknown>;

export interface RunningService {
  app: FastifyInstance;
  /** Stopped in order after the HTTP server drained: consumers first, then relays, then the pool. */
  stop: Stoppable[];
}

export interface ListenOptions {
  host: string;
  port: number;
}

/**
 * The pino logger of a service: JSON lines with the service name; level from LOG_LEVEL. `mixin`
 * adds fields to every line (the telemetry's trace_id and span_id when tracing is on).
 */
export function createLogger(
  service: string,
  level = process.env.LOG_LEVEL ?? 'info',
  mixin?: () => Record<string, string>,
): Logger {
  return pino({ name: service, level, base: { service }, ...(mixin ? { mixin } : {}) });
}

/**
 * Listens, then on SIGTERM/SIGINT: stops accepting connections and finishes the requests in
 * flight (fastify close), then stops consumers (each finishes its message and commits) and the
 * rest, and exits 0. A second signal, or a shutdown slower than `graceMs`, exits 1.
 */
export async function runService(
  service: RunningService,
  listen: ListenOptions,
  logger: Logger,
  graceMs = 20_000,
): Promise<void> {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown took too long');
      process.exit(1);
    }, graceMs);
    timer.unref();
    try {
      await service.app.close();
      for (const stop of service.stop) await stop();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  const address = await service.app.listen(listen);
  logger.info({ address }, 'listening');
}
