import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createAddHookMessageChannel } from 'import-in-the-middle';

/** Probes and scrapes answer every second or so: as traces they would bury the requests. */
const UNTRACED_PATHS = /^\/(health|ready|metrics|docs)(\/|\?|$)/;

/**
 * Starts the OpenTelemetry Node SDK for one process: spans of HTTP (server and client), undici
 * (the gateway's proxy), Fastify routes and pg queries, sent to Zipkin in batches. Returns its
 * shutdown, which flushes what is still buffered.
 *
 * Must run before pg and fastify are imported: their ESM imports are wrapped by the
 * import-in-the-middle loader registered here, for the instrumented modules only.
 */
export async function startSdk(service: string, zipkinUrl: string): Promise<() => Promise<void>> {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const exporter = new ZipkinExporter({ url: `${zipkinUrl}/api/v2/spans`, serviceName: service });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': service }),
    autoDetectResources: false,
    // Traces only. Left unset, the SDK reads OTEL_* defaults and runs OTLP metric and log exporters
    // towards localhost:4318, whose retries also held every shutdown up by about 8 s. Metrics are
    // prom-client's (/metrics), logs pino's.
    metricReaders: [],
    logRecordProcessors: [],
    // One second instead of five: a trace is complete in Zipkin soon after the request.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
        // The schema registry client's lookups outside any request are noise, not traces.
        requireParentforOutgoingSpans: true,
      }),
      new UndiciInstrumentation({
        requireParentforSpans: true,
        ignoreRequestHook: (request) => UNTRACED_PATHS.test(request.path),
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: ({ url }) => UNTRACED_PATHS.test(url),
      }),
      // Polls (the relay's batch query, the leader lock) run outside any span: no root per poll.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  await waitForAllMessagesAcknowledged();
  return () => sdk.shutdown();
}
