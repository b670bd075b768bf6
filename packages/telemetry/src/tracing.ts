import {
  type Attributes,
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './traceparent.ts';

/**
 * Off until startTelemetry turned it on. Every helper below checks this one boolean first, so a
 * process without tracing pays a branch per message and nothing else: no span, no context, no
 * header parsing.
 */
let tracer: Tracer | undefined;

/** Called by startTelemetry once the SDK is registered. */
export function enableTracing(): void {
  tracer = trace.getTracer('conveyor');
}

/** Called by the telemetry's shutdown. */
export function disableTracing(): void {
  tracer = undefined;
}

/** Whether this process records spans. */
export function tracingEnabled(): boolean {
  return tracer !== undefined;
}

export type ConveyorSpanKind = 'internal' | 'producer' | 'consumer';

export interface ConveyorSpanOptions {
  /** @default 'internal' */
  kind?: ConveyorSpanKind;
  /**
   * The parent as a W3C `traceparent` (an outbox row's, a Kafka header's). Absent or unreadable:
   * the span is a child of the active one (a root when there is none).
   */
  parent?: string | undefined;
  attributes?: Attributes;
}

const KINDS: Record<ConveyorSpanKind, SpanKind> = {
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/**
 * Runs `work` inside a span (active for everything it calls: queries, enqueues, nested spans);
 * a throw marks the span as failed and is rethrown. Without tracing, just runs `work`.
 */
export function inSpan<T>(name: string, options: ConveyorSpanOptions, work: () => Promise<T>): Promise<T> {
  if (tracer === undefined) return work();
  return tracer.startActiveSpan(
    name,
    {
      kind: KINDS[options.kind ?? 'internal'],
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parentContext(options.parent),
    async (span) => {
      try {
        return await work();
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A span started now and ended by its owner (a relay's send spans end at the broker's ack). */
export interface OpenSpan {
  /** The span's own trace context, for the message it sends. */
  readonly traceparent: string;
  end(error?: unknown): void;
}

/** Starts a span that is not made active; undefined without tracing. */
export function openSpan(name: string, options: ConveyorSpanOptions): OpenSpan | undefined {
  if (tracer === undefined) return undefined;
  const span = tracer.startSpan(
    name,
    {
      kind: KINDS[options.kind ?? 'internal'],
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parentContext(options.parent),
  );
  return {
    traceparent: formatTraceparent(span.spanContext()),
    end(error?: unknown) {
      if (error !== undefined) failed(span, error);
      span.end();
    },
  };
}

/** The active span's trace context (to store with an outbox row); undefined without tracing or span. */
export function activeTraceparent(): string | undefined {
  if (tracer === undefined) return undefined;
  const span = trace.getActiveSpan();
  return span ? formatTraceparent(span.spanContext()) : undefined;
}

/** Sets attributes on the active span (saga status, outcome); nothing without tracing. */
export function annotateActiveSpan(attributes: Attributes): void {
  if (tracer === undefined) return;
  trace.getActiveSpan()?.setAttributes(attributes);
}

/** pino `mixin`: the active span's ids on every log line written inside it. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  if (tracer === undefined) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

function parentContext(traceparent: string | undefined): Context {
  const parent = parseTraceparent(traceparent);
  if (!parent) return context.active();
  return trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true });
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}
