import { describe, expect, it } from 'vitest';
import { DEFAULT_ZIPKIN_URL, loadTelemetryConfig } from './telemetry-config.ts';

describe('telemetry configuration', () => {
  it('is off unless CONVEYOR_TRACING turns it on', () => {
    expect(loadTelemetryConfig({})).toEqual({ tracing: false });
    expect(loadTelemetryConfig({ CONVEYOR_TRACING: '0' })).toEqual({ tracing: false });
    expect(loadTelemetryConfig({ CONVEYOR_TRACING: 'false', ZIPKIN_URL: 'http://z:9411' })).toEqual({
      tracing: false,
    });
  });

  it('sends to ZIPKIN_URL, else to Zipkin on its default address', () => {
    expect(loadTelemetryConfig({ CONVEYOR_TRACING: '1' })).toEqual({
      tracing: true,
      zipkinUrl: DEFAULT_ZIPKIN_URL,
    });
    expect(loadTelemetryConfig({ CONVEYOR_TRACING: 'true', ZIPKIN_URL: 'http://127.0.0.1:19411/' })).toEqual({
      tracing: true,
      zipkinUrl: 'http://127.0.0.1:19411',
    });
  });

  it('refuses a bad value naming the variable', () => {
    expect(() => loadTelemetryConfig({ CONVEYOR_TRACING: 'yes' })).toThrow(/^CONVEYOR_TRACING: /);
    expect(() => loadTelemetryConfig({ CONVEYOR_TRACING: '1', ZIPKIN_URL: 'not a url' })).toThrow(
      /^ZIPKIN_URL: /,
    );
    expect(() => loadTelemetryConfig({ CONVEYOR_TRACING: '1', ZIPKIN_URL: 'ftp://z' })).toThrow(
      /^ZIPKIN_URL: /,
    );
  });
});
