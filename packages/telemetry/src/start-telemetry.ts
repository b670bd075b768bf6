import { isTelemetryError } from './errors.ts';
import { loadTelemetryConfig } from './telemetry-config.ts';
import { disableTracing, enableTracing, traceLogFields } from './tracing.ts';

/** What a process started: tracing on (an SDK exporting to Zipkin) or off (nothing at all). */
export interface Telemetry {
  readonly tracing: boolean;
  /** For pino's `mixin`: trace_id and span_id of the active span (undefined when tracing is off). */
  readonly logMixin: (() => Record<string, string>) | undefined;
  /** Flushes the spans still buffered and stops the SDK (nothing when off). */
  shutdown(): Promise<void>;
}

const NO_TELEMETRY: Telemetry = { tracing: false, logMixin: undefined, shutdown: async () => undefined };

/**
 * Tracing as the environment asks (CONVEYOR_TRACING, ZIPKIN_URL). Off, nothing is loaded: no SDK,
 * no exporter, no module hooks; the span helpers stay no-ops. On, call it first thing in the
 * process, before the modules it instruments (pg, fastify) are imported: import the rest of the
 * process dynamically after it. A bad value throws CONVEYOR_INVALID_ENVIRONMENT naming the variable.
 */
export async function startTelemetry(service: string, env: NodeJS.ProcessEnv): Promise<Telemetry> {
  const config = loadTelemetryConfig(env);
  if (!config.tracing) return NO_TELEMETRY;
  // Loaded only here: a process without tracing never loads the SDK.
  const { startSdk } = await import('./internal/sdk.ts');
  const stopSdk = await startSdk(service, config.zipkinUrl);
  enableTracing();
  return {
    tracing: true,
    logMixin: traceLogFields,
    async shutdown() {
      disableTracing();
      await stopSdk();
    },
  };
}

/**
 * startTelemetry for a process's entry point: a bad CONVEYOR_TRACING or ZIPKIN_URL is one line on
 * stderr naming it, exit 1 (like every other variable a service reads).
 */
export async function bootTelemetry(service: string, env: NodeJS.ProcessEnv): Promise<Telemetry> {
  try {
    return await startTelemetry(service, env);
  } catch (error) {
    if (!isTelemetryError(error)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}
