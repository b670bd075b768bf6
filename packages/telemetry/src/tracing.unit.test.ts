import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from './traceparent.ts';
import {
  activeTraceparent,
  disableTracing,
  enableTracing,
  inSpan,
  openSpan,
  traceLogFields,
  tracingEnabled,
} from './tracing.ts';

const remote = formatTraceparent({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
});

describe('span helpers with tracing off', () => {
  it('run the work and make nothing', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(await inSpan('x', { parent: remote }, async () => 42)).toBe(42);
    expect(openSpan('x', { kind: 'producer' })).toBeUndefined();
    expect(activeTraceparent()).toBeUndefined();
    expect(traceLogFields()).toEqual({});
  });
});

describe('span helpers with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
    enableTracing();
  });
  afterAll(async () => {
    disableTracing();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('continues the trace of a traceparent and makes the span active for what runs inside', async () => {
    const inside = await inSpan('consume x', { kind: 'consumer', parent: remote }, async () => ({
      traceparent: activeTraceparent(),
      log: traceLogFields(),
    }));
    const [span] = exporter.getFinishedSpans().slice(-1);
    expect(span?.name).toBe('consume x');
    expect(span?.spanContext().traceId).toBe(parseTraceparent(remote)?.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(parseTraceparent(remote)?.spanId);
    expect(parseTraceparent(inside.traceparent)?.spanId).toBe(span?.spanContext().spanId);
    expect(inside.log).toEqual({
      trace_id: span?.spanContext().traceId,
      span_id: span?.spanContext().spanId,
    });
  });

  it('gives an open span its own traceparent, a child of the active span, and marks a failure', async () => {
    let sent: string | undefined;
    await inSpan('enqueue', {}, async () => {
      const send = openSpan('send x', { kind: 'producer' });
      sent = send?.traceparent;
      send?.end(new Error('broker down'));
    });
    const spans = exporter.getFinishedSpans();
    const send = spans.find((s) => s.name === 'send x');
    const enqueue = spans.find((s) => s.name === 'enqueue');
    expect(parseTraceparent(sent)?.spanId).toBe(send?.spanContext().spanId);
    expect(send?.parentSpanContext?.spanId).toBe(enqueue?.spanContext().spanId);
    expect(send?.status).toMatchObject({ code: 2, message: 'broker down' });
  });

  it('rethrows what the work throws, with the span marked failed', async () => {
    await expect(inSpan('failing', {}, async () => Promise.reject(new Error('nope')))).rejects.toThrow(
      'nope',
    );
    expect(exporter.getFinishedSpans().find((s) => s.name === 'failing')?.status.code).toBe(2);
  });
});
